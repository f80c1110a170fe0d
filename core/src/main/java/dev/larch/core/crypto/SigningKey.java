package dev.larch.core.crypto;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * An ed25519 signing key (pure Ed25519, RFC 8032), kept as its 32-byte seed with the public key derived once.
 *
 * <p>Uses BouncyCastle's low-level {@link Ed25519}: the JDK's EdDSA provider is about ten times slower here.
 */
public final class SigningKey {
  public static final int SEED_LENGTH = Ed25519.SECRET_KEY_SIZE;
  public static final int PUBLIC_KEY_LENGTH = Ed25519.PUBLIC_KEY_SIZE;
  public static final int SIGNATURE_LENGTH = Ed25519.SIGNATURE_SIZE;

  private final byte[] seed;
  private final byte[] publicKey;

  private SigningKey(byte[] seed) {
    if (seed.length != SEED_LENGTH) {
      throw new IllegalArgumentException("an ed25519 seed is 32 bytes, got " + seed.length);
    }
    this.seed = seed.clone();
    this.publicKey = new byte[PUBLIC_KEY_LENGTH];
    Ed25519.generatePublicKey(this.seed, 0, this.publicKey, 0);
  }

  /** The key with this 32-byte seed (the "secret key" of RFC 8032). */
  public static SigningKey fromSeed(byte[] seed) {
    return new SigningKey(Objects.requireNonNull(seed, "seed"));
  }

  /** A new random key. */
  public static SigningKey generate(SecureRandom random) {
    byte[] seed = new byte[SEED_LENGTH];
    random.nextBytes(seed);
    return new SigningKey(seed);
  }

  /** A copy of the 32-byte seed. Never log it. */
  public byte[] seed() {
    return seed.clone();
  }

  /** A copy of the 32-byte public key. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The 64-byte signature of {@code message}. */
  public byte[] sign(byte[] message) {
    byte[] signature = new byte[SIGNATURE_LENGTH];
    Ed25519.sign(seed, 0, publicKey, 0, message, 0, message.length, signature, 0);
    return signature;
  }

  /** Whether {@code signature} is a valid signature of {@code message} by {@code publicKey}; never throws on bad input. */
  public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    if (publicKey == null
        || signature == null
        || message == null
        || publicKey.length != PUBLIC_KEY_LENGTH
        || signature.length != SIGNATURE_LENGTH) {
      return false;
    }
    return Ed25519.verify(signature, 0, publicKey, 0, message, 0, message.length);
  }

  @Override
  public String toString() {
    return "SigningKey[public=" + java.util.HexFormat.of().formatHex(publicKey) + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof SigningKey other && Arrays.equals(seed, other.seed);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(publicKey);
  }
}
