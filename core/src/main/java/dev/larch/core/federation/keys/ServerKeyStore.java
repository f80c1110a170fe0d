package dev.larch.core.federation.keys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * Port: other servers' keys as fetched and verified ({@link KeyRing}), kept across restarts, and the responses they
 * came in, which this server serves again as a notary ({@link KeyNotary}).
 */
public interface ServerKeyStore {
  /** A stored key response: the verified object as received, its published {@code valid_until_ts}. */
  record StoredResponse(ObjectNode json, long validUntilTs, long receivedAtMillis) {}

  /**
   * Stores a verified response and its keys, in one transaction. The response (and its keys' rows) replace what is
   * stored only when its {@code valid_until_ts} is at least the stored response's, so a stale copy from a notary
   * never undoes a newer one; key IDs absent from the stored set are added either way.
   */
  void store(VerifiedKeyResponse response);

  /** Every key of {@code serverName} known, current and old. */
  List<ServerKey> keys(String serverName);

  /** The latest stored response of {@code serverName}. */
  Optional<StoredResponse> response(String serverName);
}
