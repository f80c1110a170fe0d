package dev.larch.core.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.crypto.UnpaddedBase64;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.CanonicalJson;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Checks the shape of keys clients upload, so that only well-formed keys are stored and served to other clients.
 * The server never needs the private halves or the ciphertexts; it checks only what it must to keep one device or
 * user from publishing keys in another's name.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#post_matrixclientv3keysupload">client-server
 * API v1.11, {@code POST /keys/upload}</a> ({@code DeviceKeys}, {@code OneTimeKeys}) and
 * <a href="https://spec.matrix.org/v1.11/client-server-api/#cross-signing">"Cross-signing"</a>
 * ({@code CrossSigningKey}).
 */
public final class UploadedKeys {
  private static final int MAX_KEY_ID_LENGTH = 255;

  private UploadedKeys() {}

  /**
   * Checks {@code device_keys}: {@code user_id} and {@code device_id} are the uploader's ({@code M_INVALID_PARAM}),
   * {@code algorithms} is a list of strings and {@code keys} a map of strings ({@code M_BAD_JSON}), and the object
   * is signed by its own {@code ed25519:<device_id>} key ({@code M_INVALID_SIGNATURE}).
   */
  public static void checkDeviceKeys(ObjectNode keys, String userId, String deviceId) {
    if (!userId.equals(text(keys, "user_id"))) {
      throw MatrixException.invalidParam("device_keys.user_id does not match the uploading user");
    }
    if (deviceId == null || !deviceId.equals(text(keys, "device_id"))) {
      throw MatrixException.invalidParam("device_keys.device_id does not match the uploading device");
    }
    JsonNode algorithms = keys.get("algorithms");
    if (algorithms == null || !algorithms.isArray()) {
      throw MatrixException.badJson("device_keys.algorithms must be a list of strings");
    }
    for (JsonNode algorithm : algorithms) {
      if (!algorithm.isTextual()) {
        throw MatrixException.badJson("device_keys.algorithms must be a list of strings");
      }
    }
    Map<String, String> keyMap = stringMap(keys.get("keys"), "device_keys.keys");
    String ed25519 = keyMap.get(Signatures.ED25519_PREFIX + deviceId);
    if (ed25519 == null) {
      throw MatrixException.invalidParam("device_keys.keys must hold the device's ed25519 key");
    }
    VerifyKey key = verifyKey(Signatures.ED25519_PREFIX + deviceId, ed25519)
        .orElseThrow(() -> MatrixException.invalidParam("device_keys has an invalid ed25519 key"));
    if (!verifies(keys, userId, key)) {
      throw new MatrixException(ErrorCode.INVALID_SIGNATURE, "device_keys is not signed by the device's own key");
    }
  }

  /**
   * Checks a cross-signing key of {@code type}: {@code user_id} is the uploader's, {@code usage} contains the
   * type, and {@code keys} holds exactly one {@code ed25519:<public key>} whose value is that public key.
   *
   * @return the key's public key, unpadded Base64
   */
  public static VerifyKey checkCrossSigningKey(ObjectNode key, String userId, CrossSigningKeyType type) {
    String field = type.uploadField();
    if (!userId.equals(text(key, "user_id"))) {
      throw MatrixException.invalidParam(field + ".user_id does not match the uploading user");
    }
    JsonNode usage = key.get("usage");
    boolean hasUsage = false;
    if (usage == null || !usage.isArray()) {
      throw MatrixException.badJson(field + ".usage must be a list of strings");
    }
    for (JsonNode value : usage) {
      if (!value.isTextual()) {
        throw MatrixException.badJson(field + ".usage must be a list of strings");
      }
      hasUsage |= value.textValue().equals(type.usage());
    }
    if (!hasUsage) {
      throw MatrixException.invalidParam(field + ".usage must contain " + type.usage());
    }
    return singleKey(key, field);
  }

  /** The one ed25519 key of a cross-signing key already checked (or stored). */
  public static VerifyKey singleKey(ObjectNode key, String field) {
    Map<String, String> keys = stringMap(key.get("keys"), field + ".keys");
    if (keys.size() != 1) {
      throw MatrixException.invalidParam(field + ".keys must hold exactly one key");
    }
    Map.Entry<String, String> entry = keys.entrySet().iterator().next();
    if (!entry.getKey().equals(Signatures.ED25519_PREFIX + entry.getValue())) {
      throw MatrixException.invalidParam(field + ".keys must be ed25519:<public key> to the public key");
    }
    return verifyKey(entry.getKey(), entry.getValue())
        .orElseThrow(() -> MatrixException.invalidParam(field + " has an invalid ed25519 key"));
  }

  /**
   * Checks a map of one-time or fallback keys: each ID is {@code <algorithm>:<key ID>}, each key a string or an
   * object. Returns the keys by ID, as sent.
   */
  public static Map<String, JsonNode> keyMap(JsonNode keys, String field) {
    Map<String, JsonNode> out = new LinkedHashMap<>();
    if (keys == null || keys.isNull()) {
      return out;
    }
    if (!keys.isObject()) {
      throw MatrixException.badJson(field + " must be an object");
    }
    for (Map.Entry<String, JsonNode> entry : keys.properties()) {
      String id = entry.getKey();
      int colon = id.indexOf(':');
      if (colon <= 0 || colon == id.length() - 1 || id.length() > MAX_KEY_ID_LENGTH) {
        throw MatrixException.invalidParam(field + " key IDs must be <algorithm>:<key ID>");
      }
      JsonNode value = entry.getValue();
      if (!value.isTextual() && !value.isObject()) {
        throw MatrixException.badJson(field + "." + id + " must be a string or an object");
      }
      out.put(id, value);
    }
    return out;
  }

  /** Whether {@code json} carries a valid signature of {@code signer} by {@code key}. */
  public static boolean verifies(ObjectNode json, String signer, VerifyKey key) {
    Optional<String> signature = Signatures.signature(json, signer, key.keyId());
    if (signature.isEmpty()) {
      return false;
    }
    byte[] signed;
    try {
      signed = Signatures.signedBytes(json, CanonicalJson.STRICT);
    } catch (RuntimeException e) {
      return false;
    }
    return Signatures.verifySignature(signed, signature.get(), key);
  }

  /** The key {@code keyId} with public key {@code base64}, or empty if it is not a valid ed25519 key. */
  public static Optional<VerifyKey> verifyKey(String keyId, String base64) {
    try {
      return Optional.of(VerifyKey.of(keyId, UnpaddedBase64.decode(base64)));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  private static Map<String, String> stringMap(JsonNode node, String field) {
    if (node == null || !node.isObject()) {
      throw MatrixException.badJson(field + " must be an object of strings");
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : node.properties()) {
      if (!entry.getValue().isTextual()) {
        throw MatrixException.badJson(field + " must be an object of strings");
      }
      out.put(entry.getKey(), entry.getValue().textValue());
    }
    return out;
  }

  private static String text(ObjectNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }
}
