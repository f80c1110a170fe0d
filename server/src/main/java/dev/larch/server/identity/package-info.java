/**
 * The node's identity: its ed25519 key in the data dir and what follows from it (server name, key ID, mode).
 *
 * <p>In peer-to-peer mode one key is everything at once: the Pinecone address, the Matrix server name (64 lowercase
 * hex digits of the public key), the event-signing key and the TLS key of QUIC sessions. Losing the key file means
 * becoming a different server; that is why Larch never replaces one it cannot read.
 */
package dev.larch.server.identity;
