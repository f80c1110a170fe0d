package dev.larch.federation.resident;

import static dev.larch.federation.ResidentFixture.enc;
import static dev.larch.federation.ResidentFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomVersion;
import dev.larch.federation.ResidentFixture;
import dev.larch.federation.ResidentFixture.Remote;
import dev.larch.federation.TestFederation.Response;
import dev.larch.storage.contract.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** /event, /state, /state_ids, /event_auth, /backfill, /get_missing_events. */
class EventRoutesTest {
  private static final String BOB = "@bob:remote.test";

  @TempDir Path tempDir;

  /** A room of alice's with a few messages, that remote.test's bob joined; the messages in order. */
  private record Room(String roomId, List<String> messages, String hiddenMessage) {}

  private static Room joinedRoom(ResidentFixture fx, Remote remote, String alice) {
    String roomId = fx.room(alice, "public_chat", List.of());
    fx.rooms.setState(alice, roomId, "m.room.history_visibility", "", json("{\"history_visibility\":\"joined\"}"));
    String hidden = fx.rooms.send(alice, "D", roomId, "m.room.message", "h", json("{\"body\":\"before bob\"}"));
    Response template = remote.get("/_matrix/federation/v1/make_join/" + enc(roomId) + "/" + enc(BOB) + "?ver=10");
    Pdu join = remote.sign(template.json().get("event").deepCopy(), RoomVersion.V10);
    Response joined = remote.send("PUT", "/_matrix/federation/v2/send_join/" + enc(roomId) + "/"
        + enc(join.eventId()), join.json());
    assertEquals(200, joined.status(), joined.json().toString());
    List<String> messages = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      messages.add(fx.rooms.send(alice, "D", roomId, "m.room.message", "t" + i, json("{\"body\":\"m" + i + "\"}")));
    }
    return new Room(roomId, messages, hidden);
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void eventsAndStateForAServerInTheRoom(TestDatabase db) throws Exception {
    try (ResidentFixture fx = new ResidentFixture(db, tempDir)) {
      String alice = fx.user("alice");
      Remote remote = fx.remote("remote.test");
      Room room = joinedRoom(fx, remote, alice);
      String last = room.messages().get(4);

      Response event = remote.get("/_matrix/federation/v1/event/" + enc(last));
      assertEquals(200, event.status(), event.json().toString());
      assertEquals(ResidentFixture.SERVER, event.json().path("origin").asText());
      assertTrue(event.json().path("origin_server_ts").asLong() > 0);
      JsonNode pdu = event.json().path("pdus").get(0);
      assertEquals("m4", pdu.path("content").path("body").asText());
      assertEquals(last, Pdu.fromJson(RoomVersion.V10, (ObjectNode) pdu).eventId(), "served byte-exact");

      // History visibility "joined": the message from before bob joined comes redacted.
      Response hidden = remote.get("/_matrix/federation/v1/event/" + enc(room.hiddenMessage()));
      assertEquals(200, hidden.status());
      assertTrue(hidden.json().path("pdus").get(0).path("content").isEmpty(), hidden.json().toString());

      Response ids = remote.get("/_matrix/federation/v1/state_ids/" + enc(room.roomId()) + "?event_id=" + enc(last));
      assertEquals(200, ids.status(), ids.json().toString());
      Set<String> pduIds = new HashSet<>();
      ids.json().path("pdu_ids").forEach(id -> pduIds.add(id.asText()));
      assertEquals(new HashSet<>(fx.store.stateBefore(last).orElseThrow().values()), pduIds);
      assertFalse(ids.json().path("auth_chain_ids").isEmpty());

      Response state = remote.get("/_matrix/federation/v1/state/" + enc(room.roomId()) + "?event_id=" + enc(last));
      assertEquals(200, state.status());
      assertEquals(pduIds.size(), state.json().path("pdus").size());
      assertEquals(ids.json().path("auth_chain_ids").size(), state.json().path("auth_chain").size());

      Response auth = remote.get("/_matrix/federation/v1/event_auth/" + enc(room.roomId()) + "/" + enc(last));
      assertEquals(200, auth.status());
      Set<String> authTypes = new HashSet<>();
      auth.json().path("auth_chain").forEach(e -> authTypes.add(e.path("type").asText()));
      assertTrue(authTypes.containsAll(Set.of("m.room.create", "m.room.power_levels", "m.room.member")));

      Response missingParam = remote.get("/_matrix/federation/v1/state_ids/" + enc(room.roomId()));
      assertEquals(400, missingParam.status());
      Response unknown = remote.get("/_matrix/federation/v1/event/" + enc("$nope"));
      assertEquals(404, unknown.status());
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void backfillAndMissingEventsWalkTheDag(TestDatabase db) throws Exception {
    try (ResidentFixture fx = new ResidentFixture(db, tempDir)) {
      String alice = fx.user("alice");
      Remote remote = fx.remote("remote.test");
      Room room = joinedRoom(fx, remote, alice);
      List<String> messages = room.messages();

      Response backfill = remote.get("/_matrix/federation/v1/backfill/" + enc(room.roomId()) + "?v="
          + enc(messages.get(4)) + "&limit=3");
      assertEquals(200, backfill.status(), backfill.json().toString());
      List<String> got = new ArrayList<>();
      backfill.json().path("pdus").forEach(p -> got.add(
          Pdu.fromJson(RoomVersion.V10, (ObjectNode) p).eventId()));
      assertEquals(List.of(messages.get(4), messages.get(3), messages.get(2)), got);

      ObjectNode request = json("{\"limit\":10,\"min_depth\":0}");
      request.putArray("earliest_events").add(messages.get(0));
      request.putArray("latest_events").add(messages.get(4));
      Response missing = remote.send("POST", "/_matrix/federation/v1/get_missing_events/" + enc(room.roomId()),
          request);
      assertEquals(200, missing.status(), missing.json().toString());
      List<String> between = new ArrayList<>();
      missing.json().path("events").forEach(p -> between.add(
          Pdu.fromJson(RoomVersion.V10, (ObjectNode) p).eventId()));
      assertEquals(List.of(messages.get(1), messages.get(2), messages.get(3)), between);

      ObjectNode bad = json("{\"earliest_events\":\"x\",\"latest_events\":[]}");
      assertEquals(400, remote.send("POST", "/_matrix/federation/v1/get_missing_events/" + enc(room.roomId()), bad)
          .status());
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void serversOutsideTheRoomAreRefused(TestDatabase db) throws Exception {
    try (ResidentFixture fx = new ResidentFixture(db, tempDir)) {
      String alice = fx.user("alice");
      Remote remote = fx.remote("remote.test");
      Remote stranger = fx.remote("stranger.test");
      Room room = joinedRoom(fx, remote, alice);
      String last = room.messages().get(4);

      Response event = stranger.get("/_matrix/federation/v1/event/" + enc(last));
      assertEquals(403, event.status());
      assertEquals("M_FORBIDDEN", event.json().path("errcode").asText());
      assertEquals(403, stranger.get("/_matrix/federation/v1/state_ids/" + enc(room.roomId()) + "?event_id="
          + enc(last)).status());
      assertEquals(403, stranger.get("/_matrix/federation/v1/backfill/" + enc(room.roomId()) + "?v=" + enc(last)
          + "&limit=5").status());
      Response unknownRoom = remote.get("/_matrix/federation/v1/state_ids/" + enc("!gone:larch.test")
          + "?event_id=" + enc(last));
      assertEquals(404, unknownRoom.status());

      // A world-readable room may be read by anyone not denied by its ACL.
      fx.rooms.setState(alice, room.roomId(), "m.room.history_visibility", "",
          json("{\"history_visibility\":\"world_readable\"}"));
      assertEquals(200, stranger.get("/_matrix/federation/v1/event/" + enc(last)).status());
      fx.rooms.setState(alice, room.roomId(), "m.room.server_acl", "",
          json("{\"allow\":[\"*\"],\"deny\":[\"stranger.test\"]}"));
      assertEquals(403, stranger.get("/_matrix/federation/v1/event/" + enc(last)).status());
      assertTrue(fx.store.currentStateEventId(room.roomId(), StateKey.of("m.room.server_acl", "")).isPresent());
    }
  }
}
