package dev.larch.core.keys;

import java.util.List;
import java.util.Set;

/**
 * Port: the device-list stream, whose rows say "this user's devices or keys changed", read together with room
 * memberships to decide who should hear of a change. Every method is one transaction. Changes are recorded by
 * {@link DeviceKeyStore}'s writes, in the transaction that makes them.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#tracking-the-device-list-for-a-user">
 * client-server API v1.11, "Tracking the device list for a user"</a>.
 */
public interface DeviceListStore {
  /** The highest position up to which every change has finished; 0 before the first. */
  long latestPosition();

  /**
   * Users whose device list changed in {@code (fromExclusive, toInclusive]} that {@code viewer} may hear of: the
   * viewer itself, users who share a joined room with the viewer now, and changes addressed to the viewer alone.
   */
  Set<String> changed(String viewer, long fromExclusive, long toInclusive);

  /** Who started or stopped sharing a joined room with {@code viewer} between two event stream positions. */
  SharedRoomChanges sharedRoomChanges(String viewer, long fromEventExclusive, long toEventInclusive);

  /** The users who share a joined room with {@code userId} now, the user included. */
  Set<String> usersSharingRoomWith(String userId);

  /**
   * Records that {@code userId}'s device list changed, for everyone sharing a room with the user: for users of
   * other servers, whose changes arrive as EDUs rather than through {@link DeviceKeyStore}'s writes.
   */
  void recordChange(String userId);

  /**
   * The positions of {@code userId}'s latest changes that everyone sharing a room may hear of (not those addressed
   * to one user), newest first, at most {@code limit}.
   */
  List<Long> changePositions(String userId, int limit);
}
