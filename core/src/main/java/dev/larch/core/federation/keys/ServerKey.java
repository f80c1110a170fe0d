package dev.larch.core.federation.keys;

import dev.larch.core.crypto.VerifyKey;

/**
 * One signing key of another server as this server knows it, with the time it answers until.
 *
 * <p>Spec: server-server API v1.11, "Retrieving server keys". For a current key (listed under {@code verify_keys})
 * {@code validUntilMillis} is the lesser of the published {@code valid_until_ts} and seven days after the response
 * was received, as the spec requires ("Servers MUST use the lesser of this field and 7 days into the future"). For
 * an old key (under {@code old_verify_keys}) it is the key's {@code expired_ts}.
 *
 * @param old whether the key was listed under {@code old_verify_keys}: valid only for events, never for requests
 */
public record ServerKey(String serverName, VerifyKey key, long validUntilMillis, boolean old) {
  /**
   * Whether the key answers for something signed at {@code atMillis}: a current key whose validity reaches that
   * time, an old key that expired after it; any key for {@link ServerKeys#ANY_TIME}.
   */
  public boolean answersFor(long atMillis) {
    if (atMillis == ServerKeys.ANY_TIME) {
      return true;
    }
    return old ? atMillis < validUntilMillis : atMillis <= validUntilMillis;
  }

  public String keyId() {
    return key.keyId();
  }
}
