package dev.larch.core.user;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * Port: per-user account data, global or per room, with its own stream for {@code /sync}. Every method is one
 * transaction.
 *
 * <p>Spec: client-server API, "Client Config" ({@code PUT /user/{userId}/account_data/{type}} and the per-room
 * form); room tags live here too as {@code m.tag}.
 */
public interface AccountDataStore {
  /**
   * Sets one item, replacing any previous content, and returns its new position in the account data stream.
   *
   * @param roomId the room for per-room data, or null for global data
   */
  long put(String userId, String roomId, String type, ObjectNode content);

  /** One item, or empty. {@code roomId} null means global. */
  Optional<ObjectNode> get(String userId, String roomId, String type);

  /** The user's items changed after {@code sinceExclusive} up to {@code untilInclusive}, oldest first. */
  List<AccountDataChange> changes(String userId, long sinceExclusive, long untilInclusive);

  /** The highest position up to which every put has finished; 0 before the first. */
  long latestPosition();
}
