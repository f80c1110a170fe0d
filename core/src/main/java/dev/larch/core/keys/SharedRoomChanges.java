package dev.larch.core.keys;

import java.util.Set;

/**
 * How the set of users who share a room with someone changed between two event stream positions.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#tracking-the-device-list-for-a-user">
 * client-server API v1.11, "Tracking the device list for a user"</a>.
 *
 * @param joined users who now share a room and did not before, or joined one of the shared rooms
 * @param left users who shared a room before and share none now
 */
public record SharedRoomChanges(Set<String> joined, Set<String> left) {
  public SharedRoomChanges {
    joined = Set.copyOf(joined);
    left = Set.copyOf(left);
  }
}
