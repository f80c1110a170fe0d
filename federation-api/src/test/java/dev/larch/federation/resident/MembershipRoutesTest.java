package dev.larch.federation.resident;

import static dev.larch.federation.ResidentFixture.enc;
import static dev.larch.federation.ResidentFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.PduVerifier;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.NewRoom;
import dev.larch.core.room.RoomVersion;
import dev.larch.federation.ResidentFixture;
import dev.larch.federation.ResidentFixture.Remote;
import dev.larch.federation.TestFederation.Response;
import dev.larch.storage.contract.TestDatabase;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** make_join/send_join, make_leave/send_leave, make_knock/send_knock against a room of this server. */
class MembershipRoutesTest {
  private static final String BOB = "@bob:remote.test";

  @TempDir Path tempDir;

  private static String makeJoin(String roomId, String userId) {
    return "/_matrix/federation/v1/make_join/" + enc(roomId) + "/" + enc(userId) + "?ver=9&ver=10&ver=11";
  }

  private static Pdu signedFromTemplate(Remote remote, Response template) {
    RoomVersion version = RoomVersion.byIdentifier(template.json().path("room_version").asText()).orElseThrow();
    return remote.sign(template.json().get("event").deepCopy(), version);
  }

  private static Response sendJoin(Remote remote, String roomId, Pdu event, String query) {
    return remote.send("PUT", "/_matrix/federation/v2/send_join/" + enc(roomId) + "/" + enc(event.eventId()) + query,
        event.json());
  }

  // Bob joining through make_join and send_join, for tests where his being joined is the starting point.
  private static void bobJoins(Remote remote, String roomId) {
    Response joined = sendJoin(remote, roomId, signedFromTemplate(remote, remote.get(makeJoin(roomId, BOB))), "");
    assertEquals(200, joined.status(), joined.json().toString());
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aRemoteUserJoinsAPublicRoom(TestDatabase db) throws Exception {
    try (ResidentFixture fx = new ResidentFixture(db, tempDir)) {
      String alice = fx.user("alice");
      String roomId = fx.room(alice, "public_chat", List.of());
      Remote remote = fx.remote("remote.test");
      Set<String> extremities = fx.store.forwardExtremities(roomId);

      Response template = remote.get(makeJoin(roomId, BOB));
      assertEquals(200, template.status(), template.json().toString());
      JsonNode event = template.json().get("event");
      assertEquals("10", template.json().path("room_version").asText());
      assertEquals("join", event.path("content").path("membership").asText());
      assertEquals(BOB, event.path("state_key").asText());
      Set<String> prevs = new HashSet<>();
      event.path("prev_events").forEach(p -> prevs.add(p.asText()));
      assertEquals(extremities, prevs);
      assertTrue(event.path("auth_events").size() >= 3, event.toString());

      Pdu join = signedFromTemplate(remote, template);
      Response joined = sendJoin(remote, roomId, join, "");
      assertEquals(200, joined.status(), joined.json().toString());
      assertEquals(ResidentFixture.SERVER, joined.json().path("origin").asText());
      Set<String> stateTypes = new HashSet<>();
      joined.json().path("state").forEach(e -> stateTypes.add(e.path("type").asText()));
      assertTrue(stateTypes.containsAll(Set.of("m.room.create", "m.room.member", "m.room.power_levels",
          "m.room.join_rules")), stateTypes.toString());
      assertFalse(joined.json().path("auth_chain").isEmpty());
      assertEquals(join.eventId(), Pdu.fromJson(RoomVersion.V10, (ObjectNode) joined.json().get("event")).eventId());

      // The join is now the room's: current state, the one extremity, the listeners heard it as remote.
      assertEquals(join.eventId(), fx.store.currentStateEventId(roomId, StateKey.of("m.room.member", BOB))
          .orElseThrow());
      assertEquals(Set.of(join.eventId()), fx.store.forwardExtremities(roomId));
      assertTrue(fx.heard.stream().anyMatch(e -> e.getKey().eventId().equals(join.eventId()) && !e.getValue()));
      assertEquals(1, fx.relayed.size());
      assertEquals("remote.test", fx.relayed.get(0).getValue());
      // Our next event follows the join.
      String next = fx.rooms.send(alice, "DEV", roomId, "m.room.message", "t1", json("{\"body\":\"hi bob\"}"));
      assertEquals(List.of(join.eventId()), fx.store.event(next).orElseThrow().pdu().prevEventIds());

      // A repeat answers again and stores nothing more.
      Response again = sendJoin(remote, roomId, join, "");
      assertEquals(200, again.status(), again.json().toString());
      assertEquals(1, fx.relayed.size());
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void omitMembersLeavesOutOtherMembersButNamesTheServers(TestDatabase db) throws Exception {
    try (ResidentFixture fx = new ResidentFixture(db, tempDir)) {
      String alice = fx.user("alice");
      String roomId = fx.room(alice, "public_chat",
          List.of(new NewRoom.InitialState("m.room.name", "", json("{\"name\":\"Lobby\"}"))));
      Remote remote = fx.remote("remote.test");
      Pdu join = signedFromTemplate(remote, remote.get(makeJoin(roomId, BOB)));
      Response joined = sendJoin(remote, roomId, join, "?omit_members=true");
      assertEquals(200, joined.status(), joined.json().toString());
      assertTrue(joined.json().path("members_omitted").asBoolean());
      joined.json().path("state").forEach(e -> assertFalse("m.room.member".equals(e.path("type").asText()),
          "member events are omitted: " + e));
      assertEquals(List.of(ResidentFixture.SERVER),
          List.of(joined.json().path("servers_in_room").get(0).asText()));
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void makeJoinRefusals(TestDatabase db) throws Exception {
    try (ResidentFixture fx = new ResidentFixture(db, tempDir)) {
      String alice = fx.user("alice");
      String publicRoom = fx.room(alice, "public_chat", List.of());
      String privateRoom = fx.room(alice, "private_chat", List.of());
      Remote remote = fx.remote("remote.test");

      Response unknown = remote.get(makeJoin("!nowhere:larch.test", BOB));
      assertEquals(404, unknown.status());
      assertEquals("M_NOT_FOUND", unknown.json().path("errcode").asText());

      Response foreignUser = remote.get(makeJoin(publicRoom, "@eve:other.test"));
      assertEquals(403, foreignUser.status());
      assertEquals("M_FORBIDDEN", foreignUser.json().path("errcode").asText());

      Response oldVersions = remote.get("/_matrix/federation/v1/make_join/" + enc(publicRoom) + "/" + enc(BOB)
          + "?ver=1&ver=2");
      assertEquals(400, oldVersions.status());
      assertEquals("M_INCOMPATIBLE_ROOM_VERSION", oldVersions.json().path("errcode").asText());
      assertEquals("10", oldVersions.json().path("room_version").asText());

      Response noVer = remote.get("/_matrix/federation/v1/make_join/" + enc(publicRoom) + "/" + enc(BOB));
      assertEquals(400, noVer.status(), "no ver means room version 1 only");

      Response inviteOnly = remote.get(makeJoin(privateRoom, BOB));
      assertEquals(403, inviteOnly.status(), inviteOnly.json().toString());
      assertEquals("M_FORBIDDEN", inviteOnly.json().path("errcode").asText());

      fx.rooms.setState(alice, publicRoom, "m.room.server_acl", "",
          json("{\"allow\":[\"*\"],\"deny\":[\"remote.test\"]}"));
      Response denied = remote.get(makeJoin(publicRoom, BOB));
      assertEquals(403, denied.status());
      assertEquals("M_FORBIDDEN", denied.json().path("errcode").asText());
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void sendJoinRefusesBadEvents(TestDatabase db) throws Exception {
    try (ResidentFixture fx = new ResidentFixture(db, tempDir)) {
      String alice = fx.user("alice");
      String roomId = fx.room(alice, "public_chat", List.of());
      Remote remote = fx.remote("remote.test");
      Remote other = fx.remote("other.test");
      Response template = remote.get(makeJoin(roomId, BOB));

      // Signed by a key nobody published for remote.test: a forgery.
      ObjectNode forgedTemplate = template.json().get("event").deepCopy();
      Pdu forged = new dev.larch.core.event.EventSigner("remote.test", "ed25519:test",
          dev.larch.core.crypto.SigningKey.generate(new java.security.SecureRandom()))
          .hashAndSign(forgedTemplate, RoomVersion.V10);
      Response forgedAnswer = sendJoin(remote, roomId, forged, "");
      assertEquals(403, forgedAnswer.status(), forgedAnswer.json().toString());

      // The path names another event.
      Pdu join = signedFromTemplate(remote, template);
      Response wrongId = remote.send("PUT", "/_matrix/federation/v2/send_join/" + enc(roomId) + "/"
          + enc("$elsewhere"), join.json());
      assertEquals(400, wrongId.status());

      // other.test sends remote.test's user's join.
      Response notTheirs = sendJoin(other, roomId, join, "");
      assertEquals(403, notTheirs.status(), notTheirs.json().toString());

      // A leave is not a join.
      ObjectNode leaveTemplate = template.json().get("event").deepCopy();
      ((ObjectNode) leaveTemplate.get("content")).put("membership", "leave");
      Pdu leave = remote.sign(leaveTemplate, RoomVersion.V10);
      Response leaveAsJoin = sendJoin(remote, roomId, leave, "");
      assertEquals(400, leaveAsJoin.status());

      // A join whose prev event we never saw.
      ObjectNode unknownPrev = template.json().get("event").deepCopy();
      unknownPrev.putArray("prev_events").add("$unknown");
      Response gap = sendJoin(remote, roomId, remote.sign(unknownPrev, RoomVersion.V10), "");
      assertEquals(400, gap.status());

      // Nothing of it was stored.
      assertTrue(fx.store.currentStateEventId(roomId, StateKey.of("m.room.member", BOB)).isEmpty());
      assertTrue(fx.relayed.isEmpty());
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aJoinedRemoteUserLeaves(TestDatabase db) throws Exception {
    try (ResidentFixture fx = new ResidentFixture(db, tempDir)) {
      String alice = fx.user("alice");
      String roomId = fx.room(alice, "public_chat", List.of());
      Remote remote = fx.remote("remote.test");
      bobJoins(remote, roomId);

      Response template = remote.get("/_matrix/federation/v1/make_leave/" + enc(roomId) + "/" + enc(BOB));
      assertEquals(200, template.status(), template.json().toString());
      assertEquals("leave", template.json().path("event").path("content").path("membership").asText());
      Pdu leave = signedFromTemplate(remote, template);
      Response left = remote.send("PUT", "/_matrix/federation/v2/send_leave/" + enc(roomId) + "/"
          + enc(leave.eventId()), leave.json());
      assertEquals(200, left.status(), left.json().toString());
      assertEquals("leave", fx.store.event(fx.store.currentStateEventId(roomId,
          StateKey.of("m.room.member", BOB)).orElseThrow()).orElseThrow().pdu().membership());
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aRemoteUserKnocks(TestDatabase db) throws Exception {
    try (ResidentFixture fx = new ResidentFixture(db, tempDir)) {
      String alice = fx.user("alice");
      String roomId = fx.room(alice, "private_chat",
          List.of(new NewRoom.InitialState("m.room.join_rules", "", json("{\"join_rule\":\"knock\"}")),
              new NewRoom.InitialState("m.room.name", "", json("{\"name\":\"Knock knock\"}"))));
      Remote remote = fx.remote("remote.test");
      String makeKnock = "/_matrix/federation/v1/make_knock/" + enc(roomId) + "/" + enc(BOB);

      Response noVersion = remote.get(makeKnock + "?ver=6");
      assertEquals(400, noVersion.status());
      assertEquals("M_INCOMPATIBLE_ROOM_VERSION", noVersion.json().path("errcode").asText());

      Response template = remote.get(makeKnock + "?ver=10");
      assertEquals(200, template.status(), template.json().toString());
      Pdu knock = signedFromTemplate(remote, template);
      Response knocked = remote.send("PUT", "/_matrix/federation/v1/send_knock/" + enc(roomId) + "/"
          + enc(knock.eventId()), knock.json());
      assertEquals(200, knocked.status(), knocked.json().toString());
      Set<String> types = new HashSet<>();
      knocked.json().path("knock_room_state").forEach(e -> types.add(e.path("type").asText()));
      assertTrue(types.contains("m.room.name") && types.contains("m.room.join_rules"), types.toString());
      assertEquals(knock.eventId(), fx.store.currentStateEventId(roomId, StateKey.of("m.room.member", BOB))
          .orElseThrow());

      // A public room cannot be knocked on: the template fails the auth rules.
      String publicRoom = fx.room(alice, "public_chat", List.of());
      Response refused = remote.get("/_matrix/federation/v1/make_knock/" + enc(publicRoom) + "/" + enc(BOB)
          + "?ver=10");
      assertEquals(403, refused.status());
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aRestrictedJoinIsAuthorisedAndSignedByUs(TestDatabase db) throws Exception {
    try (ResidentFixture fx = new ResidentFixture(db, tempDir)) {
      String alice = fx.user("alice");
      String space = fx.room(alice, "public_chat", List.of());
      Remote remote = fx.remote("remote.test");
      bobJoins(remote, space);
      String restricted = fx.room(alice, "private_chat", List.of(new NewRoom.InitialState("m.room.join_rules", "",
          json("{\"join_rule\":\"restricted\",\"allow\":[{\"type\":\"m.room_membership\",\"room_id\":\""
              + space + "\"}]}"))));

      Response template = remote.get(makeJoin(restricted, BOB));
      assertEquals(200, template.status(), template.json().toString());
      assertEquals(alice,
          template.json().path("event").path("content").path("join_authorised_via_users_server").asText());
      Pdu join = signedFromTemplate(remote, template);
      Response joined = sendJoin(remote, restricted, join, "");
      assertEquals(200, joined.status(), joined.json().toString());
      Pdu returned = Pdu.fromJson(RoomVersion.V10, (ObjectNode) joined.json().get("event"));
      assertTrue(dev.larch.core.crypto.Signatures.list(returned.json()).stream()
          .anyMatch(ref -> ref.serverName().equals(ResidentFixture.SERVER)), "our signature is added");

      // A user in none of the allowed rooms may not join.
      Response outsider = remote.get(makeJoin(restricted, "@carol:remote.test"));
      assertEquals(403, outsider.status(), outsider.json().toString());
    }
  }
}
