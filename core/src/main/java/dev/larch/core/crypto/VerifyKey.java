package dev.larch.core.crypto;

import java.util.Arrays;
import java.util.Objects;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * A public ed25519 verification key with its signing key identifier, as published under {@code verify_keys}.
 *
 * <p>Spec: server-server API, "Publishing Keys"; appendices, "Signing details".
 *
 * <p>The key is decoded to a curve point once, here: verification is the hot path of federation, and decoding the
 * point on every signature costs about a fifth of a verification.
 */
public final class VerifyKey {
  private final String keyId;
  private final byte[] publicKey;
  // Null when the bytes are not a point on the curve: such a key verifies nothing.
  private final Ed25519.PublicPoint point;

  private VerifyKey(String keyId, byte[] publicKey) {
    this.keyId = Objects.requireNonNull(keyId, "keyId");
    if (!Signatures.isSupportedKeyId(keyId)) {
      throw new IllegalArgumentException("not an ed25519 key ID: " + keyId);
    }
    if (publicKey.length != SigningKey.PUBLIC_KEY_LENGTH) {
      throw new IllegalArgumentException("an ed25519 public key is 32 bytes, got " + publicKey.length);
    }
    this.publicKey = publicKey.clone();
    this.point = Ed25519.validatePublicKeyPartialExport(this.publicKey, 0);
  }

  /** The key with this ID and these 32 public key bytes. */
  public static VerifyKey of(String keyId, byte[] publicKey) {
    return new VerifyKey(keyId, Objects.requireNonNull(publicKey, "publicKey"));
  }

  /** The key with this ID whose public key is given as unpadded Base64, as in {@code verify_keys.*.key}. */
  public static VerifyKey fromBase64(String keyId, String publicKeyBase64) {
    return new VerifyKey(keyId, UnpaddedBase64.decode(publicKeyBase64));
  }

  /** The public half of {@code signingKey} under {@code keyId}. */
  public static VerifyKey of(String keyId, SigningKey signingKey) {
    return new VerifyKey(keyId, signingKey.publicKey());
  }

  public String keyId() {
    return keyId;
  }

  /** A copy of the 32 public key bytes. */
  public byte[] publicKey() {
    return publicKey.clone();
  }

  /** The public key as unpadded Base64. */
  public String publicKeyBase64() {
    return UnpaddedBase64.encode(publicKey);
  }

  /** Whether {@code signature} is this key's signature of {@code message}; never throws on bad input. */
  public boolean verify(byte[] message, byte[] signature) {
    if (point == null || message == null || signature == null || signature.length != SigningKey.SIGNATURE_LENGTH) {
      return false;
    }
    return Ed25519.verify(signature, 0, point, message, 0, message.length);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof VerifyKey other && keyId.equals(other.keyId) && Arrays.equals(publicKey, other.publicKey);
  }

  @Override
  public int hashCode() {
    return 31 * keyId.hashCode() + Arrays.hashCode(publicKey);
  }

  @Override
  public String toString() {
    return "VerifyKey[" + keyId + " " + publicKeyBase64() + "]";
  }
}
