package dev.larch.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.RoomVersion.RedactionAlgorithm;
import java.util.Map;
import java.util.Set;

/**
 * The redaction algorithm: strips an event down to the keys that the protocol needs, for every room version.
 *
 * <p>Spec: room versions, "Redactions" (v1, v6, v8, v9, v11; v12 inherits v11) and client-server API, "Redactions".
 * The result is a new object; the input is never changed and shares no nodes with it. The redacted event always has
 * a {@code content} object (empty if the original had none, or a non-object), since every event format requires one.
 * Keys are checked by event type alone, whether or not the event is a state event, as the spec words it.
 */
public final class Redactor {
  private static final Set<String> TOP_LEVEL_V1 =
      Set.of(
          "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures", "depth",
          "prev_events", "prev_state", "auth_events", "origin", "origin_server_ts", "membership");

  // v11 (MSC2176) no longer protects origin, membership and prev_state.
  private static final Set<String> TOP_LEVEL_V11 =
      Set.of(
          "event_id", "type", "room_id", "sender", "state_key", "content", "hashes", "signatures", "depth",
          "prev_events", "auth_events", "origin_server_ts");

  private static final String[] POWER_LEVELS_V1 = {
    "ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default"
  };

  private Redactor() {}

  /** The redacted copy of {@code event} under the redaction algorithm of {@code roomVersion}. */
  public static ObjectNode redact(ObjectNode event, RoomVersion roomVersion) {
    RedactionAlgorithm algorithm = roomVersion.redactionAlgorithm();
    Set<String> kept = algorithm == RedactionAlgorithm.V11 ? TOP_LEVEL_V11 : TOP_LEVEL_V1;
    JsonNode type = event.get("type");
    ObjectNode redacted = event.objectNode();
    boolean sawContent = false;
    for (Map.Entry<String, JsonNode> field : event.properties()) {
      String key = field.getKey();
      if (key.equals("content")) {
        sawContent = true;
        JsonNode content = field.getValue();
        redacted.set(
            key,
            redactContent(
                type != null && type.isTextual() ? type.textValue() : "",
                content instanceof ObjectNode object ? object : event.objectNode(),
                algorithm));
      } else if (kept.contains(key)) {
        redacted.set(key, field.getValue().deepCopy());
      }
    }
    if (!sawContent) {
      redacted.putObject("content");
    }
    return redacted;
  }

  private static ObjectNode redactContent(String type, ObjectNode content, RedactionAlgorithm algorithm) {
    boolean v11 = algorithm == RedactionAlgorithm.V11;
    ObjectNode out = content.objectNode();
    switch (type) {
      case "m.room.member" -> {
        keep(content, out, "membership");
        if (algorithm.compareTo(RedactionAlgorithm.V9) >= 0) {
          keep(content, out, "join_authorised_via_users_server");
        }
        // v11 (MSC3821) keeps the signed part of a third-party invite so the membership stays verifiable.
        if (v11
            && content.get("third_party_invite") instanceof ObjectNode invite
            && invite.get("signed") != null) {
          out.putObject("third_party_invite").set("signed", invite.get("signed").deepCopy());
        }
      }
      case "m.room.create" -> {
        if (v11) {
          return content.deepCopy(); // MSC2176: the create event keeps all of its content
        }
        keep(content, out, "creator");
      }
      case "m.room.join_rules" -> {
        keep(content, out, "join_rule");
        if (algorithm.compareTo(RedactionAlgorithm.V8) >= 0) {
          keep(content, out, "allow");
        }
      }
      case "m.room.power_levels" -> {
        for (String key : POWER_LEVELS_V1) {
          keep(content, out, key);
        }
        if (v11) {
          keep(content, out, "invite");
        }
      }
      case "m.room.aliases" -> {
        if (algorithm == RedactionAlgorithm.V1) {
          keep(content, out, "aliases"); // dropped from v6 (MSC2432)
        }
      }
      case "m.room.history_visibility" -> keep(content, out, "history_visibility");
      case "m.room.redaction" -> {
        if (v11) {
          keep(content, out, "redacts"); // v11 moved redacts into content (MSC2174)
        }
      }
      default -> {}
    }
    return out;
  }

  private static void keep(ObjectNode from, ObjectNode to, String key) {
    JsonNode value = from.get(key);
    if (value != null) {
      to.set(key, value.deepCopy());
    }
  }
}
