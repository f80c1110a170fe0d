package dev.larch.core.typing;

/**
 * Told when a user's typing state changes in a room, so that other servers in the room hear of it (the federation
 * sender's {@code m.typing} EDUs). Called for every user the {@link TypingService} tracks, local or remote, on
 * changes by request and by expiry; implementations forward only their own server's users. Must return quickly and
 * never throw.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/server-server-api/#typing-notifications">server-server API
 * v1.11, "Typing Notifications"</a>.
 */
@FunctionalInterface
public interface TypingListener {
  /** {@code userId} started (or refreshed) typing in {@code roomId}, or stopped. */
  void typingChanged(String roomId, String userId, boolean typing);

  /** Tells nobody. */
  TypingListener NONE = (roomId, userId, typing) -> {};
}
