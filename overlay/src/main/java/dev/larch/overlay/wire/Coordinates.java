package dev.larch.overlay.wire;

import dev.larch.overlay.BadPeerException;
import java.util.Arrays;

/**
 * A position in the spanning tree: the switch ports from the root down. The root's coordinates are empty.
 *
 * <p>Protocol doc 1.3 (distance) and 3.7 (encoding: a u16 <em>byte</em> count, then concatenated varu64 ports).
 * Immutable; ports are unsigned 64-bit values.
 */
public final class Coordinates {
  public static final Coordinates ROOT = new Coordinates(new long[0]);

  private final long[] ports;

  private Coordinates(long[] ports) {
    this.ports = ports;
  }

  /** Coordinates with these ports (copied). */
  public static Coordinates of(long... ports) {
    return ports.length == 0 ? ROOT : new Coordinates(ports.clone());
  }

  public int length() {
    return ports.length;
  }

  public boolean isEmpty() {
    return ports.length == 0;
  }

  public long port(int index) {
    return ports[index];
  }

  /** These coordinates with {@code port} appended. */
  public Coordinates append(long port) {
    long[] out = Arrays.copyOf(ports, ports.length + 1);
    out[ports.length] = port;
    return new Coordinates(out);
  }

  /** These coordinates without the last port (the parent's view); the root stays the root. */
  public Coordinates parent() {
    return ports.length == 0 ? this : new Coordinates(Arrays.copyOf(ports, ports.length - 1));
  }

  /** Hops across the tree: {@code len(a) + len(b) - 2 * commonPrefix}. */
  public int distanceTo(Coordinates other) {
    int common = 0;
    int max = Math.min(ports.length, other.ports.length);
    while (common < max && ports[common] == other.ports[common]) {
      common++;
    }
    return ports.length + other.ports.length - 2 * common;
  }

  /** The encoded size: 2 + the varu64 bytes. */
  public int encodedLength() {
    int n = 2;
    for (long p : ports) {
      n += VarU64.length(p);
    }
    return n;
  }

  /** Writes the encoding at {@code offset}; returns the bytes written. */
  public int write(byte[] out, int offset) {
    int n = 2;
    for (long p : ports) {
      n += VarU64.write(p, out, offset + n);
    }
    int body = n - 2;
    if (body > 0xffff) {
      throw new IllegalArgumentException("coordinates too long to encode: " + body + " bytes");
    }
    out[offset] = (byte) (body >>> 8);
    out[offset + 1] = (byte) body;
    return n;
  }

  /** The encoding as a new array. */
  public byte[] encode() {
    byte[] out = new byte[encodedLength()];
    write(out, 0);
    return out;
  }

  static Coordinates read(WireCursor cursor) {
    int byteLength = cursor.readU16();
    if (byteLength == 0) {
      return ROOT;
    }
    if (cursor.remaining() < byteLength) {
      throw new BadPeerException("coordinates claim " + byteLength + " bytes, have " + cursor.remaining());
    }
    int end = cursor.position() + byteLength;
    long[] ports = new long[byteLength]; // at least one byte per port
    int count = 0;
    while (cursor.position() < end) {
      ports[count++] = cursor.readVarU64();
      if (cursor.position() > end) {
        throw new BadPeerException("coordinate port runs past its length prefix");
      }
    }
    return new Coordinates(Arrays.copyOf(ports, count));
  }

  /** Decodes exactly one encoded coordinate list. */
  public static Coordinates decode(byte[] data) {
    WireCursor cursor = new WireCursor(data, 0, data.length);
    Coordinates c = read(cursor);
    if (cursor.hasRemaining()) {
      throw new BadPeerException("trailing bytes after coordinates");
    }
    return c;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Coordinates other && Arrays.equals(ports, other.ports);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(ports);
  }

  /** Go's form: {@code [1 2 3]}. */
  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < ports.length; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(Long.toUnsignedString(ports[i]));
    }
    return sb.append(']').toString();
  }
}
