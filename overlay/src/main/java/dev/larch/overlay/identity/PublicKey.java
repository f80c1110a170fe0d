package dev.larch.overlay.identity;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A 32-byte ed25519 public key, which is the node's overlay address, ordered as an unsigned big-endian integer.
 *
 * <p>Protocol doc 1.1-1.2: the highest key is the root; {@link #dhtOrdered} is the strict, non-wrapping ordering SNEK
 * uses. Immutable.
 */
public final class PublicKey implements Comparable<PublicKey> {
  public static final int LENGTH = 32;
  public static final int SIGNATURE_LENGTH = 64;
  /** The all-0xFF key, used as "no watermark yet" (protocol doc 5.4). */
  public static final PublicKey FULL_MASK = new PublicKey(filled((byte) 0xFF));

  private final byte[] bytes;
  private final int hash;

  private PublicKey(byte[] bytes) {
    this.bytes = bytes;
    this.hash = Arrays.hashCode(bytes);
  }

  /** The key made of these 32 bytes (copied). */
  public static PublicKey of(byte[] bytes) {
    Objects.requireNonNull(bytes, "bytes");
    if (bytes.length != LENGTH) {
      throw new IllegalArgumentException("a public key is 32 bytes, got " + bytes.length);
    }
    return new PublicKey(bytes.clone());
  }

  /** The key at {@code offset} in {@code data}; the caller has checked the bounds. */
  public static PublicKey read(byte[] data, int offset) {
    return new PublicKey(Arrays.copyOfRange(data, offset, offset + LENGTH));
  }

  /** The key written as 64 hex digits (either case). */
  public static PublicKey parse(String hex) {
    if (hex == null || hex.length() != 2 * LENGTH) {
      throw new IllegalArgumentException("a public key is 64 hex digits");
    }
    return new PublicKey(HexFormat.of().parseHex(hex));
  }

  /** A copy of the raw bytes. */
  public byte[] toBytes() {
    return bytes.clone();
  }

  /** Copies the raw bytes into {@code out} at {@code offset}. */
  public void writeTo(byte[] out, int offset) {
    System.arraycopy(bytes, 0, out, offset, LENGTH);
  }

  /** Whether {@code signature} is a pure ed25519 signature of {@code message} by this key; never throws. */
  public boolean verify(byte[] message, byte[] signature) {
    if (message == null || signature == null || signature.length != SIGNATURE_LENGTH) {
      return false;
    }
    try {
      return Ed25519.verify(signature, 0, bytes, 0, message, 0, message.length);
    } catch (RuntimeException invalidPoint) {
      return false; // a key that is not a curve point cannot have signed anything
    }
  }

  /** Unsigned big-endian comparison, as Go's {@code bytes.Compare} (protocol doc 1.2). */
  @Override
  public int compareTo(PublicKey other) {
    return Arrays.compareUnsigned(bytes, other.bytes);
  }

  /** Strictly less than, as Go's {@code util.LessThan}. */
  public boolean lessThan(PublicKey other) {
    return compareTo(other) < 0;
  }

  /** {@code a < b < c}, strict and without wrap-around, as Go's {@code util.DHTOrdered}. */
  public static boolean dhtOrdered(PublicKey a, PublicKey b, PublicKey c) {
    return a.compareTo(b) < 0 && b.compareTo(c) < 0;
  }

  /** Lowercase hex, 64 characters, as Go's {@code PublicKey.String()}. */
  public String hex() {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublicKey other && hash == other.hash && Arrays.equals(bytes, other.bytes);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public String toString() {
    return hex();
  }

  private static byte[] filled(byte b) {
    byte[] out = new byte[LENGTH];
    Arrays.fill(out, b);
    return out;
  }
}
