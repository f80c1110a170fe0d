package dev.larch.core.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.Membership;
import dev.larch.core.room.RoomStore;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What push rule conditions read about a room, from its current state, read once and reused for every event and
 * user evaluated against it: the joined member count, the power levels (the sender's level and the
 * {@code notifications} levels) and each user's display name in the room.
 *
 * <p>Spec: client-server API v1.11, "Conditions" ({@code room_member_count}, {@code sender_notification_permission},
 * {@code contains_display_name}). Shared by {@link NotificationCounter} (counts in {@code /sync}) and
 * {@link NotificationService} ({@code /notifications}), so both judge an event alike.
 */
final class RoomPushState {
  private final RoomStore rooms;
  private final Map<StateKey, String> state;
  private final List<String> joined;
  private final ObjectNode power;
  private final Map<String, Long> levels;
  private final Map<String, String> displayNames = new HashMap<>();

  private RoomPushState(RoomStore rooms, Map<StateKey, String> state, List<String> joined, ObjectNode power,
      Map<String, Long> levels) {
    this.rooms = rooms;
    this.state = state;
    this.joined = joined;
    this.power = power;
    this.levels = levels;
  }

  /** The room's state now. */
  static RoomPushState current(RoomStore rooms, String roomId) {
    Map<StateKey, String> state = rooms.currentState(roomId);
    List<String> joined = rooms.members(roomId).stream().filter(m -> "join".equals(m.membership()))
        .map(Membership::userId).toList();
    ObjectNode power = null;
    String powerId = state.get(StateKey.of("m.room.power_levels", ""));
    if (powerId != null) {
      power = rooms.event(powerId).map(e -> e.pdu().content()).orElse(null);
    }
    Map<String, Long> levels = new HashMap<>();
    if (power != null) {
      power.path("notifications").fields().forEachRemaining(f -> {
        if (f.getValue().canConvertToLong()) {
          levels.put(f.getKey(), f.getValue().asLong());
        }
      });
    }
    return new RoomPushState(rooms, state, joined, power, levels);
  }

  /** The users joined to the room. */
  List<String> joinedMembers() {
    return joined;
  }

  /** The context for evaluating {@code userId}'s rules on {@code event} (whose sender's level it reads). */
  PushContext contextFor(String userId, ObjectNode event) {
    long level = 0;
    if (power != null) {
      JsonNode users = power.path("users");
      JsonNode own = users.get(event.path("sender").asText(""));
      level = own != null && own.canConvertToLong() ? own.asLong() : power.path("users_default").asLong(0);
    }
    return new PushContext(userId, displayName(userId), joined.size(), level, levels);
  }

  private String displayName(String userId) {
    if (displayNames.containsKey(userId)) {
      return displayNames.get(userId);
    }
    String memberId = state.get(StateKey.of("m.room.member", userId));
    String name = memberId == null ? null : rooms.event(memberId).map(e -> e.pdu().content().path("displayname"))
        .filter(JsonNode::isTextual).map(JsonNode::asText).orElse(null);
    displayNames.put(userId, name);
    return name;
  }
}
