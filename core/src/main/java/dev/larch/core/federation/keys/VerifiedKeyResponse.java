package dev.larch.core.federation.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SignatureRef;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.crypto.VerifyKey;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A server's key response ({@code GET /_matrix/key/v2/server}, or one entry of a notary's answer) that was checked:
 * well formed, about the server it should be about, and signed by that server with a key it lists.
 *
 * <p>Spec: server-server API v1.11, "Retrieving server keys" and the "Server Keys" schema. The object is kept exactly
 * as received ({@code json}), because a notary serves it again with only its own signature added.
 *
 * @param validUntilTs the published {@code valid_until_ts}, uncapped (what a notary compares
 *     {@code minimum_valid_until_ts} with)
 * @param keys the keys it lists, current ones capped to seven days after {@code receivedAtMillis}
 */
public record VerifiedKeyResponse(
    String serverName, ObjectNode json, long validUntilTs, long receivedAtMillis, List<ServerKey> keys) {
  /** The longest a current key is trusted past the time its response arrived, whatever it claims (spec: 7 days). */
  public static final long MAX_VALIDITY_MILLIS = 7L * 24 * 60 * 60 * 1000;

  public VerifiedKeyResponse {
    keys = List.copyOf(keys);
  }

  /**
   * Checks {@code json} as the key response of {@code expectedServer}, received at {@code receivedAtMillis}.
   *
   * <p>Rules: {@code server_name} is {@code expectedServer}; {@code valid_until_ts} is an integer; every ed25519 key
   * under {@code verify_keys} and {@code old_verify_keys} decodes to 32 bytes (keys of other algorithms are ignored,
   * as for signatures); old keys carry an integer {@code expired_ts}; and {@code expectedServer} signed the object
   * with at least one of its {@code verify_keys}, every such signature valid (one bad signature by a listed key is a
   * forgery, not noise).
   *
   * @throws InvalidKeyResponseException saying which rule failed
   */
  public static VerifiedKeyResponse verify(JsonNode json, String expectedServer, long receivedAtMillis)
      throws InvalidKeyResponseException {
    if (!(json instanceof ObjectNode object)) {
      throw new InvalidKeyResponseException("key response is not a JSON object");
    }
    JsonNode name = object.get("server_name");
    if (name == null || !name.isTextual() || !name.textValue().equals(expectedServer)) {
      throw new InvalidKeyResponseException("key response names server " + name + ", not " + expectedServer);
    }
    long validUntil = integer(object, "valid_until_ts");
    Map<String, VerifyKey> current = verifyKeys(object);
    if (current.isEmpty()) {
      throw new InvalidKeyResponseException("key response lists no ed25519 verify_keys");
    }
    checkSelfSignature(object, expectedServer, current);

    long cap = receivedAtMillis > Long.MAX_VALUE - MAX_VALIDITY_MILLIS
        ? Long.MAX_VALUE : receivedAtMillis + MAX_VALIDITY_MILLIS;
    List<ServerKey> keys = new ArrayList<>();
    for (VerifyKey key : current.values()) {
      keys.add(new ServerKey(expectedServer, key, Math.min(validUntil, cap), false));
    }
    JsonNode old = object.get("old_verify_keys");
    if (old != null && !old.isNull()) {
      if (!old.isObject()) {
        throw new InvalidKeyResponseException("old_verify_keys is not an object");
      }
      for (Map.Entry<String, JsonNode> entry : old.properties()) {
        if (!Signatures.isSupportedKeyId(entry.getKey()) || current.containsKey(entry.getKey())) {
          continue; // another algorithm, or listed as current too: the current entry wins
        }
        if (!entry.getValue().isObject()) {
          throw new InvalidKeyResponseException("old_verify_keys." + entry.getKey() + " is not an object");
        }
        VerifyKey key = decode(entry.getKey(), entry.getValue().get("key"));
        long expired = integer((ObjectNode) entry.getValue(), "expired_ts");
        keys.add(new ServerKey(expectedServer, key, expired, true));
      }
    }
    return new VerifiedKeyResponse(expectedServer, object, validUntil, receivedAtMillis, keys);
  }

  /** Whether {@code signer} signed {@code json} with {@code key} (a notary's countersignature). */
  public static boolean signedBy(ObjectNode json, String signer, VerifyKey key) {
    return Signatures.verify(json, signer, key.keyId(), key.publicKey());
  }

  /** Whether the response lists the key {@code keyId}, current or old. */
  public boolean lists(String keyId) {
    for (ServerKey key : keys) {
      if (key.keyId().equals(keyId)) {
        return true;
      }
    }
    return false;
  }

  private static Map<String, VerifyKey> verifyKeys(ObjectNode object) throws InvalidKeyResponseException {
    JsonNode verifyKeys = object.get("verify_keys");
    if (verifyKeys == null || !verifyKeys.isObject()) {
      throw new InvalidKeyResponseException("verify_keys is missing or not an object");
    }
    Map<String, VerifyKey> keys = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> entry : verifyKeys.properties()) {
      if (!Signatures.isSupportedKeyId(entry.getKey())) {
        continue;
      }
      if (!entry.getValue().isObject()) {
        throw new InvalidKeyResponseException("verify_keys." + entry.getKey() + " is not an object");
      }
      keys.put(entry.getKey(), decode(entry.getKey(), entry.getValue().get("key")));
    }
    return keys;
  }

  private static void checkSelfSignature(ObjectNode object, String server, Map<String, VerifyKey> keys)
      throws InvalidKeyResponseException {
    boolean signed = false;
    for (SignatureRef ref : Signatures.list(object)) {
      VerifyKey key = keys.get(ref.keyId());
      if (!ref.serverName().equals(server) || key == null) {
        continue; // a notary's signature, or one by a key the server does not list: not ours to judge here
      }
      if (!Signatures.verify(object, server, ref.keyId(), key.publicKey())) {
        throw new InvalidKeyResponseException("bad signature by " + server + " with " + ref.keyId());
      }
      signed = true;
    }
    if (!signed) {
      throw new InvalidKeyResponseException("key response is not signed by " + server + " with a key it lists");
    }
  }

  private static VerifyKey decode(String keyId, JsonNode key) throws InvalidKeyResponseException {
    if (key == null || !key.isTextual()) {
      throw new InvalidKeyResponseException(keyId + " has no key");
    }
    try {
      return VerifyKey.fromBase64(keyId, key.textValue());
    } catch (IllegalArgumentException e) {
      throw new InvalidKeyResponseException(keyId + " is not an ed25519 key: " + e.getMessage());
    }
  }

  private static long integer(ObjectNode object, String field) throws InvalidKeyResponseException {
    JsonNode value = object.get(field);
    if (value == null || !value.isIntegralNumber() || !value.canConvertToLong()) {
      throw new InvalidKeyResponseException(field + " is missing or not an integer");
    }
    return value.longValue();
  }
}
