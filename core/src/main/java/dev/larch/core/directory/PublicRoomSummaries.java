package dev.larch.core.directory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a room's directory entry from its current state: name, topic, canonical alias, avatar, join rule, history
 * visibility ({@code world_readable}), guest access ({@code can_join}), the create event's {@code type}, and the
 * joined member count.
 *
 * <p>Spec: client-server API v1.11, {@code PublicRoomsChunk}, and the state events it summarises
 * ({@code m.room.name}, {@code m.room.topic}, {@code m.room.canonical_alias}, {@code m.room.avatar},
 * {@code m.room.join_rules}, {@code m.room.history_visibility}, {@code m.room.guest_access}, {@code m.room.create}).
 */
final class PublicRoomSummaries {
  private static final List<String> TYPES = List.of("m.room.name", "m.room.topic", "m.room.canonical_alias",
      "m.room.avatar", "m.room.join_rules", "m.room.history_visibility", "m.room.guest_access", "m.room.create");

  private final RoomStore rooms;

  PublicRoomSummaries(RoomStore rooms) {
    this.rooms = Objects.requireNonNull(rooms, "rooms");
  }

  /** The entry of {@code roomId}, or null when this server knows no state of it. */
  PublicRoom summary(String roomId) {
    Map<String, String> eventIds = new HashMap<>();
    for (String type : TYPES) {
      rooms.currentStateEventId(roomId, StateKey.of(type, "")).ifPresent(id -> eventIds.put(id, type));
    }
    if (!eventIds.containsValue("m.room.create")) {
      return null;
    }
    Map<String, JsonNode> content = new HashMap<>();
    for (StoredEvent event : rooms.events(new ArrayList<>(eventIds.keySet()))) {
      content.put(eventIds.get(event.eventId()), event.pdu().content());
    }
    long joined = rooms.members(roomId).stream().filter(m -> "join".equals(m.membership())).count();
    return new PublicRoom(roomId,
        text(content, "m.room.name", "name"),
        text(content, "m.room.topic", "topic"),
        text(content, "m.room.canonical_alias", "alias"),
        joined,
        "world_readable".equals(text(content, "m.room.history_visibility", "history_visibility")),
        "can_join".equals(text(content, "m.room.guest_access", "guest_access")),
        text(content, "m.room.join_rules", "join_rule"),
        text(content, "m.room.avatar", "url"),
        text(content, "m.room.create", "type"));
  }

  private static String text(Map<String, JsonNode> content, String type, String field) {
    JsonNode event = content.get(type);
    JsonNode value = event == null ? null : event.get(field);
    // An emptied name or topic (content {}) or "" means none.
    return value != null && value.isTextual() && !value.asText().isEmpty() ? value.asText() : null;
  }
}
