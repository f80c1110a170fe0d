package dev.larch.core.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.CanonicalJson;
import dev.larch.core.json.CanonicalJsonException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Signing JSON objects and checking their signatures.
 *
 * <p>Spec: appendices, "Signing JSON", "Signing details" and "Checking for a signature". The signed bytes are the
 * canonical JSON of the object without its {@code signatures} and {@code unsigned} members; signatures live in
 * {@code signatures.<entity>.<algorithm>:<version>} as unpadded Base64. Only {@code ed25519} is understood: other
 * algorithms are ignored, as step 2 of the check says. Checking never throws on malformed input: a missing,
 * mistyped, undecodable or wrong-length signature simply fails.
 */
public final class Signatures {
  /** The prefix of every signing key identifier this server understands. */
  public static final String ED25519_PREFIX = "ed25519:";

  private static final String SIGNATURES = "signatures";
  private static final String UNSIGNED = "unsigned";

  private Signatures() {}

  /** Whether this server understands the algorithm of {@code keyId}. */
  public static boolean isSupportedKeyId(String keyId) {
    return keyId != null && keyId.startsWith(ED25519_PREFIX);
  }

  /** The bytes a signature covers: the canonical JSON of {@code json} minus {@code signatures} and {@code unsigned}. */
  public static byte[] signedBytes(ObjectNode json, CanonicalJson encoding) {
    return encoding.encodeWithout(json, SIGNATURES, UNSIGNED);
  }

  /**
   * Signs {@code json} in place with strict canonical JSON, adding {@code signatures.<serverName>.<keyId>} and
   * keeping every other signature. Throws {@link CanonicalJsonException} if the object has no canonical encoding.
   */
  public static void sign(ObjectNode json, String serverName, String keyId, SigningKey key) {
    sign(json, serverName, keyId, key, CanonicalJson.STRICT);
  }

  /** As {@link #sign(ObjectNode, String, String, SigningKey)} with the given canonical JSON mode. */
  public static void sign(ObjectNode json, String serverName, String keyId, SigningKey key, CanonicalJson encoding) {
    if (!isSupportedKeyId(keyId)) {
      throw new IllegalArgumentException("can only sign with ed25519 key IDs, got " + keyId);
    }
    String signature = UnpaddedBase64.encode(key.sign(signedBytes(json, encoding)));
    addSignature(json, serverName, keyId, signature);
  }

  /** Puts an already computed signature into {@code json.signatures.<serverName>.<keyId>}. */
  public static void addSignature(ObjectNode json, String serverName, String keyId, String signatureBase64) {
    JsonNode existing = json.get(SIGNATURES);
    ObjectNode signatures;
    if (existing == null || existing.isNull()) {
      signatures = json.putObject(SIGNATURES);
    } else if (existing instanceof ObjectNode object) {
      signatures = object;
    } else {
      throw new IllegalArgumentException("\"signatures\" is not an object");
    }
    JsonNode entity = signatures.get(serverName);
    if (entity instanceof ObjectNode object) {
      object.put(keyId, signatureBase64);
    } else {
      signatures.putObject(serverName).put(keyId, signatureBase64);
    }
  }

  /** Whether {@code json} carries a valid signature by {@code serverName} with this key, over strict canonical JSON. */
  public static boolean verify(ObjectNode json, String serverName, String keyId, byte[] publicKey) {
    return verify(json, serverName, keyId, publicKey, CanonicalJson.STRICT);
  }

  /** As {@link #verify(ObjectNode, String, String, byte[])} with the given canonical JSON mode. */
  public static boolean verify(
      ObjectNode json, String serverName, String keyId, byte[] publicKey, CanonicalJson encoding) {
    Optional<String> signature = signature(json, serverName, keyId);
    if (signature.isEmpty() || !isSupportedKeyId(keyId)) {
      return false;
    }
    byte[] signed;
    try {
      signed = signedBytes(json, encoding);
    } catch (CanonicalJsonException e) {
      return false;
    }
    return verifySignature(signed, signature.get(), publicKey);
  }

  /** Whether {@code signatureBase64} is a valid ed25519 signature of {@code signedBytes}; never throws. */
  public static boolean verifySignature(byte[] signedBytes, String signatureBase64, byte[] publicKey) {
    byte[] signature = decodeSignature(signatureBase64);
    return signature != null && SigningKey.verify(publicKey, signedBytes, signature);
  }

  /** Whether {@code signatureBase64} is {@code key}'s ed25519 signature of {@code signedBytes}; never throws. */
  public static boolean verifySignature(byte[] signedBytes, String signatureBase64, VerifyKey key) {
    byte[] signature = decodeSignature(signatureBase64);
    return signature != null && key.verify(signedBytes, signature);
  }

  private static byte[] decodeSignature(String signatureBase64) {
    try {
      return UnpaddedBase64.decode(signatureBase64);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** The Base64 signature text at {@code signatures.<serverName>.<keyId>}, if it is a string. */
  public static Optional<String> signature(ObjectNode json, String serverName, String keyId) {
    JsonNode signatures = json.get(SIGNATURES);
    if (signatures == null || !signatures.isObject()) {
      return Optional.empty();
    }
    JsonNode entity = signatures.get(serverName);
    if (entity == null || !entity.isObject()) {
      return Optional.empty();
    }
    JsonNode value = entity.get(keyId);
    return value != null && value.isTextual() ? Optional.of(value.textValue()) : Optional.empty();
  }

  /**
   * Every (server, key ID) with a string signature under a supported algorithm, in document order. Entries of
   * other algorithms, and entries that are not strings, are left out.
   */
  public static List<SignatureRef> list(ObjectNode json) {
    JsonNode signatures = json.get(SIGNATURES);
    if (signatures == null || !signatures.isObject()) {
      return List.of();
    }
    List<SignatureRef> refs = new ArrayList<>();
    for (Map.Entry<String, JsonNode> entity : signatures.properties()) {
      if (!entity.getValue().isObject()) {
        continue;
      }
      for (Map.Entry<String, JsonNode> key : entity.getValue().properties()) {
        if (isSupportedKeyId(key.getKey()) && key.getValue().isTextual()) {
          refs.add(new SignatureRef(entity.getKey(), key.getKey()));
        }
      }
    }
    return Collections.unmodifiableList(refs);
  }
}
