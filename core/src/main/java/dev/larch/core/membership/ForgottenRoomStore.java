package dev.larch.core.membership;

import java.util.Set;

/**
 * Port: the rooms each user has forgotten. Spec: client-server API, {@code POST /rooms/{roomId}/forget}: a forgotten
 * room no longer shows in the user's {@code /sync}; rejoining (or being invited again) brings it back.
 */
public interface ForgottenRoomStore {
  /** Records that {@code userId} forgot {@code roomId}. */
  void forget(String userId, String roomId);

  /** Undoes {@link #forget} (a new membership in the room). */
  void unforget(String userId, String roomId);

  /** The rooms {@code userId} has forgotten. */
  Set<String> forgotten(String userId);
}
