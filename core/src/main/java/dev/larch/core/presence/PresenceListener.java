package dev.larch.core.presence;

import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Told when a local user's presence or status message changes, so that servers sharing a room with the user hear of
 * it (the federation sender's {@code m.presence} EDUs). Must return quickly and never throw.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/server-server-api/#presence">server-server API v1.11,
 * "Presence"</a>.
 */
@FunctionalInterface
public interface PresenceListener {
  /**
   * @param status the user's presence as {@code GET /presence/{userId}/status} shows it ({@code presence},
   *     {@code last_active_ago}, {@code currently_active}, {@code status_msg})
   */
  void presenceChanged(String userId, ObjectNode status);

  /** Tells nobody. */
  PresenceListener NONE = (userId, status) -> {};
}
