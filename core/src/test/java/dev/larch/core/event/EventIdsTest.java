package dev.larch.core.event;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.ReceivedJson;
import dev.larch.core.room.RoomVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

class EventIdsTest {
  private static ObjectNode json(String text) {
    return ReceivedJson.parseObject(text.getBytes(StandardCharsets.UTF_8));
  }

  private static ObjectNode message(int depth) {
    return json(
        "{\"type\":\"m.room.message\",\"content\":{\"body\":\"hi\"},\"room_id\":\"!r:x\",\"sender\":\"@a:x\","
            + "\"origin_server_ts\":1,\"depth\":" + depth + ",\"prev_events\":[],\"auth_events\":[],"
            + "\"hashes\":{\"sha256\":\"abc\"},\"signatures\":{\"x\":{\"ed25519:1\":\"sig\"}},"
            + "\"unsigned\":{\"age\":1}}");
  }

  // The reference hash worked out by hand: the redacted event (content emptied) without signatures and unsigned.
  private static byte[] expectedReferenceHash(int depth) throws Exception {
    String canonical =
        "{\"auth_events\":[],\"content\":{},\"depth\":" + depth + ",\"hashes\":{\"sha256\":\"abc\"},"
            + "\"origin_server_ts\":1,\"prev_events\":[],\"room_id\":\"!r:x\",\"sender\":\"@a:x\","
            + "\"type\":\"m.room.message\"}";
    return MessageDigest.getInstance("SHA-256").digest(canonical.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void eventId_whenV4_isDollarAndUrlSafeBase64OfReferenceHash() throws Exception {
    String expected = "$" + Base64.getUrlEncoder().withoutPadding().encodeToString(expectedReferenceHash(1));

    assertEquals(expected, EventIds.eventId(message(1), RoomVersion.V4));
    assertEquals(expected, EventIds.eventId(message(1), RoomVersion.V12));
  }

  @Test
  void eventId_whenV3_usesStandardAlphabet() throws Exception {
    // Find a depth whose hash encodes to a '+' or '/', where the two formats differ.
    int depth = 1;
    while (!Base64.getEncoder().encodeToString(expectedReferenceHash(depth)).matches(".*[+/].*")) {
      depth++;
    }
    String v3 = EventIds.eventId(message(depth), RoomVersion.V3);
    String v4 = EventIds.eventId(message(depth), RoomVersion.V4);

    assertEquals("$" + Base64.getEncoder().withoutPadding().encodeToString(expectedReferenceHash(depth)), v3);
    assertEquals(v3.replace('+', '-').replace('/', '_'), v4);
    assertNotEquals(v3, v4);
    assertEquals(44, v4.length());
  }

  @Test
  void eventId_whenV1OrV2_readsCarriedEventId() {
    ObjectNode event = message(1);
    event.put("event_id", "$abc:x");

    assertEquals("$abc:x", EventIds.eventId(event, RoomVersion.V1));
    assertEquals("$abc:x", EventIds.eventId(event, RoomVersion.V2));
  }

  @Test
  void eventId_whenV1WithoutEventId_throws() {
    assertThrows(IllegalArgumentException.class, () -> EventIds.eventId(message(1), RoomVersion.V1));
    ObjectNode numeric = message(1);
    numeric.put("event_id", 5);
    assertThrows(IllegalArgumentException.class, () -> EventIds.eventId(numeric, RoomVersion.V2));
  }

  @Test
  void eventId_whenOnlySignaturesUnsignedOrRedactableContentChange_staysTheSame() {
    String before = EventIds.eventId(message(1), RoomVersion.V10);
    ObjectNode changed = message(1);
    ((ObjectNode) changed.get("content")).put("body", "other");
    ((ObjectNode) changed.get("signatures")).putObject("y").put("ed25519:2", "s");
    changed.put("age_ts", 77);
    ObjectNode rehashed = message(1);
    ((ObjectNode) rehashed.get("hashes")).put("sha256", "def");

    assertEquals(before, EventIds.eventId(changed, RoomVersion.V10));
    assertNotEquals(before, EventIds.eventId(rehashed, RoomVersion.V10));
  }

  @Test
  void fromReferenceHash_whenV1Format_throws() {
    assertThrows(IllegalArgumentException.class, () -> EventIds.fromReferenceHash(new byte[32], RoomVersion.V2));
  }

  @Test
  void roomIdForCreateEvent_whenV12_isBangAndCreateEventHash() {
    ObjectNode create =
        json(
            "{\"type\":\"m.room.create\",\"state_key\":\"\",\"sender\":\"@a:x\",\"content\":{\"room_version\":\"12\"},"
                + "\"origin_server_ts\":1,\"depth\":1,\"prev_events\":[],\"auth_events\":[],"
                + "\"hashes\":{\"sha256\":\"abc\"}}");

    String roomId = EventIds.roomIdForCreateEvent(create, RoomVersion.V12);

    String eventId = EventIds.eventId(create, RoomVersion.V12);
    assertEquals("!" + eventId.substring(1), roomId);
    assertEquals(44, roomId.length());
    assertFalse(roomId.contains(":"));
    assertTrue(roomId.matches("![A-Za-z0-9_-]{43}"));
    assertEquals(roomId, Pdu.fromJson(RoomVersion.V12, create).roomId());
  }

  @Test
  void roomIdForCreateEvent_whenBeforeV12_throws() {
    assertThrows(IllegalArgumentException.class, () -> EventIds.roomIdForCreateEvent(message(1), RoomVersion.V11));
  }
}
