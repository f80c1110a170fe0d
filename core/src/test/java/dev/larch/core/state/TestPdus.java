package dev.larch.core.state;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.RoomVersion;
import java.util.Map;

/** A small builder of unsigned test PDUs with explicit event IDs, as the state resolution fixtures carry them. */
final class TestPdus {
  private final RoomVersion version;
  private final String roomId;

  TestPdus(RoomVersion version, String roomId) {
    this.version = version;
    this.roomId = roomId;
  }

  /** A builder for one state event. */
  Builder state(String id, String type, String stateKey, String sender) {
    return new Builder(id, type, stateKey, sender);
  }

  /** One PDU under construction. */
  final class Builder {
    private final ObjectNode json = JsonMapper.shared().createObjectNode();
    private final String id;

    private Builder(String id, String type, String stateKey, String sender) {
      this.id = id;
      json.put("event_id", id);
      if (roomId != null) {
        json.put("room_id", roomId);
      }
      json.put("type", type);
      json.put("state_key", stateKey);
      json.put("sender", sender);
      json.putObject("content");
      json.put("origin_server_ts", 0L);
      json.putArray("prev_events");
      json.putArray("auth_events");
    }

    Builder ts(long ts) {
      json.put("origin_server_ts", ts);
      return this;
    }

    Builder content(Map<String, ?> content) {
      json.set("content", JsonMapper.shared().valueToTree(content));
      return this;
    }

    Builder auth(String... ids) {
      ArrayNode auth = json.putArray("auth_events");
      for (String authId : ids) {
        auth.add(authId);
      }
      return this;
    }

    Pdu build() {
      return new Pdu(version, json, id);
    }
  }
}
