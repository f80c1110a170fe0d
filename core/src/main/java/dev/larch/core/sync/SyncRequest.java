package dev.larch.core.sync;

import dev.larch.core.filter.Filter;
import java.util.Objects;

/**
 * One {@code GET /sync}, parsed.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#get_matrixclientv3sync">client-server API
 * v1.11, {@code GET /sync}</a>.
 *
 * @param since where the client's last sync ended, or null for an initial sync
 * @param fullState send the full state of every room even with {@code since}
 * @param timeoutMs how long to wait for something to send, 0 for no wait
 * @param setPresence {@code online}, {@code unavailable}, {@code offline}, or null for online
 */
public record SyncRequest(
    String userId,
    String deviceId,
    SyncToken since,
    Filter filter,
    boolean fullState,
    long timeoutMs,
    String setPresence) {
  public SyncRequest {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(filter, "filter");
    timeoutMs = Math.max(0, timeoutMs);
  }

  /** Whether this is an initial sync (no {@code since}). */
  public boolean initial() {
    return since == null;
  }
}
