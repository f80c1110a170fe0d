package dev.larch.core.push;

import com.fasterxml.jackson.databind.node.ArrayNode;
import java.util.Objects;

/**
 * One event a user was notified about: their push rules gave it the {@code notify} action.
 *
 * <p>Spec: client-server API v1.11, {@code GET /notifications} ({@code Notification}).
 *
 * @param streamPosition the event's stream position: the order of a user's notifications and their page token
 * @param ts when the notification was made, in ms since the epoch
 * @param actions the matching rule's actions as they were then
 * @param highlight whether those actions include the {@code highlight} tweak ({@code only=highlight})
 */
public record Notification(String userId, String roomId, String eventId, long streamPosition, long ts,
    ArrayNode actions, boolean highlight) {
  public Notification {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(roomId, "roomId");
    Objects.requireNonNull(eventId, "eventId");
    actions = actions.deepCopy();
  }

  @Override
  public ArrayNode actions() {
    return actions.deepCopy();
  }
}
