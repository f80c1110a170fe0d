package dev.larch.core.federation.keys;

import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.event.PduVerifier;
import java.util.Map;
import java.util.Optional;

/**
 * Port: the public keys other servers sign with, fetched and cached as needed (spec: server-server API, "Retrieving
 * server keys"). Blocking; call from worker threads.
 *
 * <p>Validity: a key answers for {@code atMillis} if it was a current key whose {@code valid_until_ts} is at or after
 * that time, or an old key whose {@code expired_ts} is after it. {@link #ANY_TIME} asks for a key regardless of its
 * validity period (room versions 1–4 ignore it). Keys of 64-hex server names (P2P) are the name itself under key ID
 * {@code ed25519:dendrite-demo-yggdrasil}, valid forever, never fetched.
 */
public interface ServerKeys {
  /** Pass as {@code atMillis} to ignore validity periods. */
  long ANY_TIME = Long.MIN_VALUE;

  /**
   * The key {@code keyId} of {@code serverName} valid at {@code atMillis}, fetching it (directly, then through
   * notaries) if it is not cached; empty if it cannot be found or was not valid then. Never throws for a remote
   * server's failure.
   */
  Optional<VerifyKey> verifyKey(String serverName, String keyId, long atMillis);

  /**
   * Fetches the missing ones of many keys at once, so that checking a batch of events costs one round trip per
   * server rather than one per event. Optional: the default does nothing and {@link #verifyKey} fetches one by one.
   *
   * @param wanted server name to key IDs to the time each must be valid at
   */
  default void prefetch(Map<String, Map<String, Long>> wanted) {}

  /** A lookup for {@link PduVerifier} that asks for keys valid at {@code atMillis}. */
  default PduVerifier.KeyLookup lookupAt(long atMillis) {
    return (serverName, keyId) -> verifyKey(serverName, keyId, atMillis);
  }
}
