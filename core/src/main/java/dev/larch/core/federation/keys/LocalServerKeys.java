package dev.larch.core.federation.keys;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.VerifyKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * This server's own signing keys as other servers see them: the current key, any old ones, and the signed response
 * of {@code GET /_matrix/key/v2/server}.
 *
 * <p>Spec: server-server API v1.11, "Publishing Keys". {@code valid_until_ts} is now plus {@code validity}: other
 * servers refetch after it, so it bounds how long a replaced key would still be trusted for new requests. The spec
 * asks originating servers not to publish responses that expire in under an hour.
 */
public final class LocalServerKeys {
  /** An old key: the public key and when it stopped being used. */
  public record OldKey(VerifyKey key, long expiredTs) {}

  private final String serverName;
  private final String keyId;
  private final SigningKey signingKey;
  private final VerifyKey verifyKey;
  private final Map<String, OldKey> oldKeys;
  private final Duration validity;
  private final Clock clock;

  /**
   * @param oldKeys keys this server signed with before, by key ID (none today: the key file holds one key)
   * @param validity how far ahead {@code valid_until_ts} is published
   */
  public LocalServerKeys(String serverName, String keyId, SigningKey signingKey, Map<String, OldKey> oldKeys,
      Duration validity, Clock clock) {
    if (!Signatures.isSupportedKeyId(keyId)) {
      throw new IllegalArgumentException("not an ed25519 key ID: " + keyId);
    }
    this.serverName = serverName;
    this.keyId = keyId;
    this.signingKey = signingKey;
    this.verifyKey = VerifyKey.of(keyId, signingKey);
    this.oldKeys = Map.copyOf(oldKeys);
    this.validity = validity;
    this.clock = clock;
  }

  public String serverName() {
    return serverName;
  }

  public String keyId() {
    return keyId;
  }

  public SigningKey signingKey() {
    return signingKey;
  }

  /** Our key {@code keyId} if it answers for {@code atMillis} (the current key always does), as {@link ServerKeys}. */
  public Optional<VerifyKey> verifyKey(String keyId, long atMillis) {
    if (this.keyId.equals(keyId)) {
      return Optional.of(verifyKey);
    }
    OldKey old = oldKeys.get(keyId);
    if (old != null && (atMillis == ServerKeys.ANY_TIME || atMillis < old.expiredTs())) {
      return Optional.of(old.key());
    }
    return Optional.empty();
  }

  /** The body of {@code GET /_matrix/key/v2/server}: our keys, valid until now plus the validity, signed. */
  public ObjectNode response() {
    ObjectNode json = JsonNodeFactory.instance.objectNode();
    json.put("server_name", serverName);
    json.putObject("verify_keys").putObject(keyId).put("key", verifyKey.publicKeyBase64());
    ObjectNode old = json.putObject("old_verify_keys");
    oldKeys.forEach((id, key) -> old.putObject(id)
        .put("key", key.key().publicKeyBase64())
        .put("expired_ts", key.expiredTs()));
    json.put("valid_until_ts", clock.millis() + validity.toMillis());
    Signatures.sign(json, serverName, keyId, signingKey);
    return json;
  }

  /** Adds this server's signature to {@code json} (a notary vouching for another server's keys), keeping the rest. */
  public void countersign(ObjectNode json) {
    Signatures.sign(json, serverName, keyId, signingKey);
  }
}
