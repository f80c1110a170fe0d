package dev.larch.overlay.wire;

import dev.larch.overlay.BadPeerException;

/**
 * Pinecone's variable-length unsigned integer: 7-bit groups, most significant group first, continuation bit 0x80 on
 * every byte but the last. Not LEB128.
 *
 * <p>Protocol doc 3.2. Values are unsigned 64-bit, held in a {@code long}. The decoder caps at 10 bytes and rejects an
 * unterminated number; Go is laxer on both, but never emits either.
 */
public final class VarU64 {
  /** The most bytes a 64-bit value takes. */
  public static final int MAX_LENGTH = 10;

  private VarU64() {}

  /** The minimal encoded length of {@code value} (unsigned). */
  public static int length(long value) {
    int length = 1;
    for (long rest = value >>> 7; rest != 0; rest >>>= 7) {
      length++;
    }
    return length;
  }

  /** Writes the minimal encoding of {@code value} at {@code offset}; returns the bytes written. */
  public static int write(long value, byte[] out, int offset) {
    int length = length(value);
    int i = offset + length - 1;
    out[i] = (byte) (value & 0x7f);
    for (long rest = value >>> 7; rest != 0; rest >>>= 7) {
      out[--i] = (byte) (rest | 0x80);
    }
    return length;
  }

  /** The minimal encoding of {@code value}. */
  public static byte[] encode(long value) {
    byte[] out = new byte[length(value)];
    write(value, out, 0);
    return out;
  }

  /** Reads one number at the cursor, advancing it. */
  static long read(WireCursor cursor) {
    long value = 0;
    for (int i = 0; i < MAX_LENGTH; i++) {
      if (!cursor.hasRemaining()) {
        throw new BadPeerException("unterminated varu64");
      }
      int b = cursor.readUnsignedByte();
      if (i == MAX_LENGTH - 1 && (value >>> 57) != 0) {
        throw new BadPeerException("varu64 overflows 64 bits");
      }
      value = (value << 7) | (b & 0x7f);
      if ((b & 0x80) == 0) {
        return value;
      }
    }
    throw new BadPeerException("varu64 longer than 10 bytes");
  }

  /** Decodes a whole buffer that holds exactly one number; for tests and small callers. */
  public static long decode(byte[] data) {
    WireCursor cursor = new WireCursor(data, 0, data.length);
    long value = read(cursor);
    if (cursor.hasRemaining()) {
      throw new BadPeerException("trailing bytes after varu64");
    }
    return value;
  }
}
