/**
 * Byte-exact codecs for everything a Pinecone node puts on the wire: varu64, coordinates, the 104-byte handshake,
 * the 10-byte frame header and the five frame types, announcements and the signed bootstrap/broadcast messages.
 *
 * <p>Protocol doc sections 2.1, 3, 4.2-4.3, 5.2 and 7.1. Decoders throw {@link dev.larch.overlay.BadPeerException}
 * and nothing else on bad input.
 */
package dev.larch.overlay.wire;
