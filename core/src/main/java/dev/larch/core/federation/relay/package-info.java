/**
 * Store-and-forward relays for P2P servers that come and go: a sender hands transactions for an offline server to a
 * relay both trust ({@code PUT /_matrix/federation/v1/send_relay/{txnId}/{userId}}), and the addressee collects them
 * when it is back ({@code GET /_matrix/federation/v1/relay_txn/{userId}}). The shape is Dendrite's (design doc
 * {@code p2p-federation.md} section 5.1); unlike Dendrite, only the addressee itself may collect, and each relayed
 * transaction carries its sender's request signature so the addressee can check its EDUs too, not just its PDUs.
 */
package dev.larch.core.federation.relay;
