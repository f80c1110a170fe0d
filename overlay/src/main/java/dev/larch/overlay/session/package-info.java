/**
 * QUIC sessions over the Pinecone overlay: Netty's QUIC codec (quiche + BoringSSL) on a Netty channel whose datagrams
 * are overlay traffic frames, TLS 1.3 with ed25519 certificates over the node keys, one connection per peer, and
 * bidirectional streams both ways.
 *
 * <p>Protocol doc 6, {@code shared/design/quic-over-pinecone.md}; {@code docs/overlay/README.md} "Sessions".
 */
package dev.larch.overlay.session;
