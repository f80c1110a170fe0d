package dev.larch.overlay.wire;

import dev.larch.overlay.identity.PublicKey;

/**
 * The root of a spanning tree as an announcement names it: the root's key and its (unsigned) sequence number.
 *
 * <p>Protocol doc 4.1-4.2.
 */
public record Root(PublicKey key, long sequence) {
  @Override
  public String toString() {
    return key.hex() + "@" + Long.toUnsignedString(sequence);
  }
}
