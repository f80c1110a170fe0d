package dev.larch.overlay.wire;

import dev.larch.overlay.identity.PublicKey;

/**
 * The best key chosen so far along a SNEK path, plus the path entry's sequence if the key came from a route.
 *
 * <p>Protocol doc 5.4. Sequences are unsigned.
 */
public record Watermark(PublicKey key, long sequence) {
  /** (FullMask, 0): nothing chosen yet. */
  public static final Watermark NONE = new Watermark(PublicKey.FULL_MASK, 0);

  /** Go's {@code WorseThan}: a higher key, or the same key with a non-zero, lower sequence. */
  public boolean worseThan(Watermark other) {
    int diff = key.compareTo(other.key);
    return diff > 0 || (diff == 0 && sequence != 0 && Long.compareUnsigned(sequence, other.sequence) < 0);
  }
}
