package dev.larch.storage.contract;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.RoomVersion;
import java.util.List;

/**
 * Builds unsigned PDUs of one room for storage tests: the store checks no hashes or signatures, so the events only
 * need the fields it reads. Event IDs are made up but unique per room.
 */
final class TestRoom {
  static final RoomVersion VERSION = RoomVersion.V10;

  final String roomId;
  private final String tag;
  private int counter;

  TestRoom(String tag) {
    this.tag = tag;
    this.roomId = "!" + tag + ":larch.test";
  }

  Pdu create(String creator) {
    ObjectNode content = JsonMapper.shared().createObjectNode().put("creator", creator).put("room_version", "10");
    return event("m.room.create", "", creator, content, List.of(), 1);
  }

  Pdu member(String userId, String membership, List<String> prevs, long depth) {
    ObjectNode content = JsonMapper.shared().createObjectNode().put("membership", membership);
    return event("m.room.member", userId, userId, content, prevs, depth);
  }

  Pdu state(String type, String stateKey, String sender, List<String> prevs, long depth) {
    ObjectNode content = JsonMapper.shared().createObjectNode().put("n", counter);
    return event(type, stateKey, sender, content, prevs, depth);
  }

  Pdu message(String sender, String body, List<String> prevs, long depth) {
    ObjectNode content = JsonMapper.shared().createObjectNode().put("msgtype", "m.text").put("body", body);
    return event("m.room.message", null, sender, content, prevs, depth);
  }

  Pdu event(String type, String stateKey, String sender, ObjectNode content, List<String> prevs, long depth) {
    ObjectNode json = JsonMapper.shared().createObjectNode();
    json.put("type", type);
    json.put("room_id", roomId);
    json.put("sender", sender);
    json.put("origin_server_ts", 1_700_000_000_000L + counter);
    json.put("depth", depth);
    if (stateKey != null) {
      json.put("state_key", stateKey);
    }
    json.set("content", content);
    ArrayNode prevArray = json.putArray("prev_events");
    prevs.forEach(prevArray::add);
    json.putArray("auth_events");
    json.putObject("hashes").put("sha256", "unchecked");
    String eventId = "$" + tag + "-" + (++counter);
    return new Pdu(VERSION, json, eventId);
  }
}
