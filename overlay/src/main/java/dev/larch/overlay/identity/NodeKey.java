package dev.larch.overlay.identity;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * The node's ed25519 key pair, kept as its 32-byte seed (the form {@code cmd/pinecone -secretkey} takes).
 *
 * <p>Protocol doc 1.1: signatures are pure RFC 8032 ed25519, no prehash, no context. BouncyCastle's low-level
 * {@link Ed25519} is used because it is several times faster than the JDK provider.
 */
public final class NodeKey {
  private final byte[] seed;
  private final PublicKey publicKey;
  private final byte[] publicBytes;

  private NodeKey(byte[] seed) {
    if (seed.length != Ed25519.SECRET_KEY_SIZE) {
      throw new IllegalArgumentException("an ed25519 seed is 32 bytes, got " + seed.length);
    }
    this.seed = seed.clone();
    this.publicBytes = new byte[PublicKey.LENGTH];
    Ed25519.generatePublicKey(this.seed, 0, publicBytes, 0);
    this.publicKey = PublicKey.of(publicBytes);
  }

  /** The key with this 32-byte seed. */
  public static NodeKey fromSeed(byte[] seed) {
    return new NodeKey(Objects.requireNonNull(seed, "seed"));
  }

  /** The key with this seed written as 64 hex digits. */
  public static NodeKey fromSeedHex(String hex) {
    return new NodeKey(HexFormat.of().parseHex(hex));
  }

  /** A fresh random key. */
  public static NodeKey generate(SecureRandom random) {
    byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
    random.nextBytes(seed);
    return new NodeKey(seed);
  }

  /** A key derived from a seeded {@link java.util.Random}; for deterministic simulations only. */
  public static NodeKey deterministic(java.util.Random random) {
    byte[] seed = new byte[Ed25519.SECRET_KEY_SIZE];
    random.nextBytes(seed);
    return new NodeKey(seed);
  }

  public PublicKey publicKey() {
    return publicKey;
  }

  /** A copy of the 32-byte seed; the QUIC sessions layer wraps it as the TLS private key (protocol doc 6.2). */
  public byte[] seed() {
    return seed.clone();
  }

  /** The 64-byte signature of {@code message[offset, offset+length)}. */
  public byte[] sign(byte[] message, int offset, int length) {
    byte[] signature = new byte[PublicKey.SIGNATURE_LENGTH];
    Ed25519.sign(seed, 0, publicBytes, 0, message, offset, length, signature, 0);
    return signature;
  }

  /** The 64-byte signature of the whole {@code message}. */
  public byte[] sign(byte[] message) {
    return sign(message, 0, message.length);
  }

  @Override
  public String toString() {
    return "NodeKey[public=" + publicKey.hex() + "]"; // never the seed
  }
}
