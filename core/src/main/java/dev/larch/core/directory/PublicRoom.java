package dev.larch.core.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.JsonMapper;
import java.util.Objects;

/**
 * One entry of a public room list, read from the room's current state.
 *
 * <p>Spec: client-server API v1.11, {@code PublicRoomsChunk}: {@code room_id}, {@code num_joined_members},
 * {@code world_readable} and {@code guest_can_join} always; {@code name}, {@code topic}, {@code canonical_alias},
 * {@code avatar_url}, {@code join_rule} and {@code room_type} when the room has them.
 *
 * @param roomType the {@code type} of {@code m.room.create}, or null for a plain room
 */
public record PublicRoom(String roomId, String name, String topic, String canonicalAlias, long numJoinedMembers,
    boolean worldReadable, boolean guestCanJoin, String joinRule, String avatarUrl, String roomType) {
  public PublicRoom {
    Objects.requireNonNull(roomId, "roomId");
  }

  /** The chunk entry, absent fields left out. */
  public ObjectNode toJson() {
    ObjectNode out = JsonMapper.shared().createObjectNode();
    out.put("room_id", roomId);
    putIfPresent(out, "name", name);
    putIfPresent(out, "topic", topic);
    putIfPresent(out, "canonical_alias", canonicalAlias);
    out.put("num_joined_members", numJoinedMembers);
    out.put("world_readable", worldReadable);
    out.put("guest_can_join", guestCanJoin);
    putIfPresent(out, "join_rule", joinRule);
    putIfPresent(out, "avatar_url", avatarUrl);
    putIfPresent(out, "room_type", roomType);
    return out;
  }

  /** An entry as another server sent it; null when it lacks a room ID or a field has the wrong type. */
  public static PublicRoom fromJson(JsonNode json) {
    if (!json.isObject() || !json.path("room_id").isTextual()) {
      return null;
    }
    return new PublicRoom(json.get("room_id").asText(), text(json, "name"), text(json, "topic"),
        text(json, "canonical_alias"), Math.max(0, json.path("num_joined_members").asLong(0)),
        json.path("world_readable").asBoolean(false), json.path("guest_can_join").asBoolean(false),
        text(json, "join_rule"), text(json, "avatar_url"), text(json, "room_type"));
  }

  private static String text(JsonNode json, String field) {
    JsonNode value = json.get(field);
    return value != null && value.isTextual() ? value.asText() : null;
  }

  private static void putIfPresent(ObjectNode out, String field, String value) {
    if (value != null) {
      out.put(field, value);
    }
  }
}
