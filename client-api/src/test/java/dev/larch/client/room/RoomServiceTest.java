package dev.larch.client.room;

import static dev.larch.client.room.TestRooms.json;
import static dev.larch.client.room.TestRooms.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.EventVerdict;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.PduVerifier;
import dev.larch.core.event.StateKey;
import dev.larch.core.id.RoomId;
import dev.larch.core.room.NewRoom;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StoredEvent;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code RoomService} over the real stores: room creation in every room version, sends, state and redaction. */
class RoomServiceTest extends RoomServicesTest {
  private String alice;
  private String bob;

  @BeforeEach
  void createUsers() {
    alice = t.user("alice");
    bob = t.user("bob");
  }

  private static NewRoom room(String preset, String version, List<String> invite) {
    return new NewRoom(preset, null, null, "Name", "Topic", invite, false, version, null, List.of(), null);
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void createRoom_eachVersion_buildsSignedRoomWithSpecState(RoomVersion version) {
    String roomId = t.rooms.createRoom(alice, room("private_chat", version.identifier(), List.of(bob)));

    assertTrue(RoomId.parse(roomId).fits(version), roomId);
    assertEquals(version, t.store.roomVersion(roomId).orElseThrow());
    assertEquals(version.identifier(), t.state(roomId, "m.room.create", "").get("room_version").asText());
    assertEquals("join", t.state(roomId, "m.room.member", alice).get("membership").asText());
    assertEquals("invite", t.state(roomId, "m.room.member", bob).get("membership").asText());
    assertEquals("invite", t.state(roomId, "m.room.join_rules", "").get("join_rule").asText());
    assertEquals("shared", t.state(roomId, "m.room.history_visibility", "").get("history_visibility").asText());
    assertEquals("can_join", t.state(roomId, "m.room.guest_access", "").get("guest_access").asText());
    assertEquals("Name", t.state(roomId, "m.room.name", "").get("name").asText());
    assertEquals("Topic", t.state(roomId, "m.room.topic", "").get("topic").asText());
    ObjectNode levels = t.state(roomId, "m.room.power_levels", "");
    if (version.privilegedCreators()) {
      assertFalse(levels.get("users").has(alice), "v12 creators are not listed in users");
      assertEquals(150, levels.get("events").get("m.room.tombstone").asInt());
    } else {
      assertEquals(100, levels.get("users").get(alice).asInt());
    }
    // Every event is a real PDU: hashed, signed by this server, in one chain with growing depth.
    List<String> types = t.notified.stream().map(Pdu::type).toList();
    assertEquals(List.of("m.room.create", "m.room.member", "m.room.power_levels", "m.room.join_rules",
        "m.room.history_visibility", "m.room.guest_access", "m.room.name", "m.room.topic", "m.room.member"), types);
    for (int i = 0; i < t.notified.size(); i++) {
      Pdu event = t.notified.get(i);
      EventVerdict verdict = PduVerifier.verify(event, (server, key) -> Optional.of(t.signer.verifyKey()));
      assertTrue(verdict.contentHashOk() && verdict.isSignedBy(TestRooms.SERVER), event.toString());
      assertEquals(i + 1, event.depth());
      assertEquals(roomId, event.roomId());
    }
    assertEquals(1, t.store.forwardExtremities(roomId).size());
  }

  @Test
  void createRoom_v12_roomIdIsCreateEventHash() {
    String roomId = t.rooms.createRoom(alice, room(null, "12", List.of()));
    Pdu create = t.notified.get(0);
    assertFalse(create.json().has("room_id"));
    assertEquals("!" + create.eventId().substring(1), roomId);
  }

  @Test
  void createRoom_trustedPrivateChatV12_invitesBecomeAdditionalCreators() {
    String roomId = t.rooms.createRoom(alice, room("trusted_private_chat", "12", List.of(bob)));
    assertEquals(bob, t.state(roomId, "m.room.create", "").get("additional_creators").get(0).asText());
    assertFalse(t.state(roomId, "m.room.power_levels", "").get("users").has(bob));
  }

  @Test
  void createRoom_trustedPrivateChat_givesInviteesCreatorLevel() {
    String roomId = t.rooms.createRoom(alice, room("trusted_private_chat", "10", List.of(bob)));
    assertEquals(100, t.state(roomId, "m.room.power_levels", "").get("users").get(bob).asInt());
  }

  @Test
  void createRoom_publicChatWithOverridesAndInitialState_appliesSpecPrecedence() {
    NewRoom request = new NewRoom("public_chat", null, "pub", "Name", null, List.of(), false, null,
        json("{\"m.federate\":false}"),
        List.of(new NewRoom.InitialState("m.room.history_visibility", "",
            json("{\"history_visibility\":\"world_readable\"}")),
            new NewRoom.InitialState("m.room.name", "", json("{\"name\":\"Overridden\"}"))),
        json("{\"events_default\":10}"));
    String roomId = t.rooms.createRoom(alice, request);

    assertEquals("public", t.state(roomId, "m.room.join_rules", "").get("join_rule").asText());
    assertEquals("forbidden", t.state(roomId, "m.room.guest_access", "").get("guest_access").asText());
    assertEquals("world_readable",
        t.state(roomId, "m.room.history_visibility", "").get("history_visibility").asText());
    assertEquals("Name", t.state(roomId, "m.room.name", "").get("name").asText());
    assertEquals(10, t.state(roomId, "m.room.power_levels", "").get("events_default").asInt());
    assertFalse(t.state(roomId, "m.room.create", "").get("m.federate").asBoolean());
    assertEquals("#pub:larch.test", t.state(roomId, "m.room.canonical_alias", "").get("alias").asText());
    assertEquals(roomId, t.aliasStore.get("#pub:larch.test").orElseThrow().roomId());
  }

  @Test
  void createRoom_isDirect_marksInvites() {
    NewRoom request = new NewRoom(null, null, null, null, null, List.of(bob), true, null, null, List.of(), null);
    String roomId = t.rooms.createRoom(alice, request);
    assertTrue(t.state(roomId, "m.room.member", bob).get("is_direct").asBoolean());
  }

  @Test
  void createRoom_unknownVersion_isUnsupportedAndWritesNothing() {
    MatrixException e = assertThrows(MatrixException.class, () -> t.rooms.createRoom(alice, room(null, "99", null)));
    assertEquals(ErrorCode.UNSUPPORTED_ROOM_VERSION, e.errorCode());
    assertTrue(t.notified.isEmpty());
  }

  @Test
  void createRoom_whenInitialStateBreaksAuth_isInvalidRoomStateAndWritesNothing() {
    // The creator gives away their power before the preset events: the join rules event fails auth.
    NewRoom request = new NewRoom(null, null, "taken-later", null, null, List.of(), false, null, null, List.of(),
        json("{\"users\":{},\"state_default\":100}"));
    MatrixException e = assertThrows(MatrixException.class, () -> t.rooms.createRoom(alice, request));
    assertEquals(ErrorCode.INVALID_ROOM_STATE, e.errorCode());
    assertTrue(t.notified.isEmpty());
    assertTrue(t.aliasStore.get("#taken-later:larch.test").isEmpty(), "no alias left behind");
  }

  @Test
  void createRoom_whenAliasTaken_returnsRoomInUse() {
    NewRoom request = new NewRoom(null, null, "dup", null, null, List.of(), false, null, null, List.of(), null);
    t.rooms.createRoom(alice, request);
    int events = t.notified.size();
    MatrixException e = assertThrows(MatrixException.class, () -> t.rooms.createRoom(bob, request));
    assertEquals(ErrorCode.ROOM_IN_USE, e.errorCode());
    assertEquals(events, t.notified.size());
  }

  @Test
  void createRoom_badAliasName_isInvalidParam() {
    NewRoom request = new NewRoom(null, null, "a:b", null, null, List.of(), false, null, null, List.of(), null);
    assertEquals(ErrorCode.INVALID_PARAM,
        assertThrows(MatrixException.class, () -> t.rooms.createRoom(alice, request)).errorCode());
  }

  @Test
  void send_sameTxnTwice_returnsFirstEventAndStoresOne() {
    String roomId = t.rooms.createRoom(alice, NewRoom.defaults());
    int before = t.notified.size();
    String first = t.rooms.send(alice, "DEV", roomId, "m.room.message", "txn1", text("hi"));
    String again = t.rooms.send(alice, "DEV", roomId, "m.room.message", "txn1", text("hi"));
    String otherDevice = t.rooms.send(alice, "DEV2", roomId, "m.room.message", "txn1", text("hi"));

    assertEquals(first, again);
    assertNotEquals(first, otherDevice);
    assertEquals(before + 2, t.notified.size());
    Pdu event = t.event(first).orElseThrow().pdu();
    assertEquals(List.copyOf(List.of(t.notified.get(before - 1).eventId())), event.prevEventIds());
    assertTrue(event.authEventIds().size() >= 2);
  }

  @Test
  void send_byNonMember_isForbidden() {
    String roomId = t.rooms.createRoom(alice, NewRoom.defaults());
    MatrixException e = assertThrows(MatrixException.class,
        () -> t.rooms.send(bob, "D", roomId, "m.room.message", "t", text("hi")));
    assertEquals(ErrorCode.FORBIDDEN, e.errorCode());
  }

  @Test
  void send_unknownRoom_isNotFound() {
    MatrixException e = assertThrows(MatrixException.class,
        () -> t.rooms.send(alice, "D", "!nope:larch.test", "m.room.message", "t", text("hi")));
    assertEquals(ErrorCode.NOT_FOUND, e.errorCode());
  }

  @Test
  void send_oversizedEvent_isTooLargeAndStoresNothing() {
    String roomId = t.rooms.createRoom(alice, NewRoom.defaults());
    int before = t.notified.size();
    MatrixException e = assertThrows(MatrixException.class,
        () -> t.rooms.send(alice, "D", roomId, "m.room.message", "t", text("x".repeat(70_000))));
    assertEquals(ErrorCode.TOO_LARGE, e.errorCode());
    assertEquals(before, t.notified.size());
    assertTrue(t.store.eventIdForTransaction(new dev.larch.core.room.TxnKey(alice, "D", "t")).isEmpty());
  }

  @Test
  void setState_sameContentTwice_sendsOnce() {
    String roomId = t.rooms.createRoom(alice, NewRoom.defaults());
    String first = t.rooms.setState(alice, roomId, "m.room.topic", "", json("{\"topic\":\"a\"}"));
    String second = t.rooms.setState(alice, roomId, "m.room.topic", "", json("{\"topic\":\"a\"}"));
    assertEquals(first, second);
    assertEquals(first, t.currentState(roomId).get(StateKey.of("m.room.topic", "")));
  }

  @Test
  void redact_ownEvent_replacesStoredEventWithRedactedForm() {
    String roomId = t.rooms.createRoom(alice, NewRoom.defaults());
    String message = t.rooms.send(alice, "D", roomId, "m.room.message", "m1", text("secret"));
    t.reads.event(alice, "D", roomId, message); // warms the event cache, which the redaction must invalidate

    String redaction = t.rooms.redact(alice, "D", roomId, message, "r1", "oops");

    StoredEvent stored = t.event(message).orElseThrow();
    assertEquals(0, stored.pdu().content().size());
    assertEquals(redaction,
        stored.pdu().json().get("unsigned").get("redacted_because").get("event_id").asText());
    assertEquals(message, t.event(redaction).orElseThrow().pdu().redacts());
    ObjectNode seen = t.reads.event(alice, "D", roomId, message);
    assertNull(seen.get("content").get("body"));
    assertEquals("oops", seen.get("unsigned").get("redacted_because").get("content").get("reason").asText());
  }

  @Test
  void redact_othersEventWithoutPower_isForbidden() {
    String roomId = t.rooms.createRoom(alice, room("public_chat", null, List.of()));
    t.memberships.join(bob, roomId, null);
    String message = t.rooms.send(alice, "D", roomId, "m.room.message", "m1", text("mine"));
    MatrixException e = assertThrows(MatrixException.class,
        () -> t.rooms.redact(bob, "D", roomId, message, "r1", null));
    assertEquals(ErrorCode.FORBIDDEN, e.errorCode());
    assertEquals("mine", t.event(message).orElseThrow().pdu().content().get("body").asText());
  }

  @Test
  void redact_byAdmin_redactsOthersEvent() {
    String roomId = t.rooms.createRoom(alice, room("public_chat", "11", List.of()));
    t.memberships.join(bob, roomId, null);
    String message = t.rooms.send(bob, "D", roomId, "m.room.message", "m1", text("spam"));
    t.rooms.redact(alice, "D", roomId, message, "r1", null);
    assertEquals(0, t.event(message).orElseThrow().pdu().content().size());
  }
}
