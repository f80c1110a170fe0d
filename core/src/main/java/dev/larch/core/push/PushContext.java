package dev.larch.core.push;

import java.util.Map;

/**
 * What push rule conditions read besides the event: the user whose rules apply and the room at the event.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#conditions-1">client-server API v1.11,
 * "Conditions"</a>.
 *
 * @param userId the user the rules belong to
 * @param displayName the user's display name in the room, or null
 * @param memberCount the room's joined member count
 * @param senderPowerLevel the event sender's power level
 * @param notificationLevels {@code notifications} of {@code m.room.power_levels} ({@code room} defaults to 50)
 */
public record PushContext(
    String userId, String displayName, long memberCount, long senderPowerLevel, Map<String, Long> notificationLevels) {
  public PushContext {
    notificationLevels = Map.copyOf(notificationLevels);
  }
}
