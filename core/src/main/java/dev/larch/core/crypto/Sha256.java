package dev.larch.core.crypto;

import org.bouncycastle.crypto.digests.SHA256Digest;

/**
 * SHA-256, the hash of content hashes and reference hashes.
 *
 * <p>Spec: server-server API, "Calculating the content hash for an event" and "Calculating the reference hash for an
 * event". Uses BouncyCastle's digest directly rather than a JCA provider lookup per call.
 */
public final class Sha256 {
  public static final int LENGTH = 32;

  private Sha256() {}

  /** The 32-byte SHA-256 of {@code bytes}. */
  public static byte[] hash(byte[] bytes) {
    SHA256Digest digest = new SHA256Digest();
    digest.update(bytes, 0, bytes.length);
    byte[] out = new byte[LENGTH];
    digest.doFinal(out, 0);
    return out;
  }
}
