package dev.larch.federation.resident;

import static dev.larch.federation.ResidentFixture.enc;
import static dev.larch.federation.ResidentFixture.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.event.EventVerdict;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.PduVerifier;
import dev.larch.core.room.Membership;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.sync.StrippedState;
import dev.larch.federation.ResidentFixture;
import dev.larch.federation.ResidentFixture.Remote;
import dev.larch.federation.TestFederation.Response;
import dev.larch.storage.contract.TestDatabase;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code PUT /v2/invite}: another server invites one of our users to a room we are not in. */
class InviteRoutesTest {
  private static final String ROOM = "!party:remote.test";

  @TempDir Path tempDir;

  private static Pdu invite(Remote remote, String sender, String invitee) {
    ObjectNode event = json("{\"type\":\"m.room.member\",\"room_id\":\"" + ROOM + "\",\"sender\":\"" + sender
        + "\",\"state_key\":\"" + invitee + "\",\"content\":{\"membership\":\"invite\"},\"depth\":5,"
        + "\"origin_server_ts\":1700000000000,\"prev_events\":[\"$p\"],\"auth_events\":[\"$a\"]}");
    return remote.sign(event, RoomVersion.V10);
  }

  private static ObjectNode body(Pdu event, String version) {
    ObjectNode body = json("{\"invite_room_state\":[{\"type\":\"m.room.name\",\"state_key\":\"\","
        + "\"sender\":\"@bob:remote.test\",\"content\":{\"name\":\"Beach party\"}}]}");
    body.put("room_version", version);
    body.set("event", event.json());
    return body;
  }

  private static Response put(Remote remote, Pdu event, ObjectNode body) {
    return remote.send("PUT", "/_matrix/federation/v2/invite/" + enc(ROOM) + "/" + enc(event.eventId()), body);
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void anInviteIsSignedAndShowsUpForTheUser(TestDatabase db) throws Exception {
    try (ResidentFixture fx = new ResidentFixture(db, tempDir)) {
      String alice = fx.user("alice");
      Remote remote = fx.remote("remote.test");
      long before = fx.store.latestStreamPosition();
      Pdu invite = invite(remote, "@bob:remote.test", alice);

      Response answer = put(remote, invite, body(invite, "10"));
      assertEquals(200, answer.status(), answer.json().toString());
      Pdu signed = Pdu.fromJson(RoomVersion.V10, (ObjectNode) answer.json().get("event"));
      assertEquals(invite.eventId(), signed.eventId());
      EventVerdict verdict = PduVerifier.verify(signed, (server, keyId) -> server.equals("remote.test")
          ? Optional.of(VerifyKey.of(keyId, remote.requests().key())) : Optional.empty());
      assertTrue(verdict.isSignedBy("remote.test"));
      assertTrue(verdict.signatures().stream().anyMatch(s -> s.serverName().equals(ResidentFixture.SERVER)),
          "the invitee's server signed it");

      // /sync sees it: a membership row with a new stream position, and the inviter's stripped state.
      Membership membership = fx.store.membershipsOf(alice).stream()
          .filter(m -> m.roomId().equals(ROOM)).findFirst().orElseThrow();
      assertEquals("invite", membership.membership());
      assertTrue(membership.streamPosition() > before);
      assertTrue(fx.store.latestStreamPosition() >= membership.streamPosition());
      List<ObjectNode> stripped = new StrippedState(fx.store).forMembership(ROOM, membership.eventId());
      assertTrue(stripped.stream().anyMatch(e -> e.path("content").path("name").asText().equals("Beach party")),
          stripped.toString());
      // The room's state is untouched: we are not in it.
      assertTrue(fx.store.currentState(ROOM).isEmpty());

      // A repeat is answered again.
      assertEquals(200, put(remote, invite, body(invite, "10")).status());
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void badInvitesAreRefused(TestDatabase db) throws Exception {
    try (ResidentFixture fx = new ResidentFixture(db, tempDir)) {
      String alice = fx.user("alice");
      Remote remote = fx.remote("remote.test");
      Remote other = fx.remote("other.test");

      Pdu ofOtherServer = invite(remote, "@bob:remote.test", "@carol:elsewhere.test");
      assertEquals(403, put(remote, ofOtherServer, body(ofOtherServer, "10")).status());

      Pdu unknownUser = invite(remote, "@bob:remote.test", "@nobody:larch.test");
      Response unknown = put(remote, unknownUser, body(unknownUser, "10"));
      assertEquals(404, unknown.status());
      assertEquals("M_NOT_FOUND", unknown.json().path("errcode").asText());

      Pdu spoofed = invite(remote, "@bob:remote.test", alice);
      Response notTheirs = put(other, spoofed, body(spoofed, "10"));
      assertEquals(403, notTheirs.status(), "other.test may not send remote.test's invite");

      Pdu fine = invite(remote, "@bob:remote.test", alice);
      Response version = put(remote, fine, body(fine, "999"));
      assertEquals(400, version.status());
      assertEquals("M_INCOMPATIBLE_ROOM_VERSION", version.json().path("errcode").asText());
      assertEquals("999", version.json().path("room_version").asText());

      ObjectNode tampered = body(fine, "10");
      ((ObjectNode) tampered.get("event").get("content")).put("membership", "invite").put("extra", "x");
      Response badHash = put(remote, fine, tampered);
      assertTrue(badHash.status() == 403 || badHash.status() == 400, badHash.json().toString());

      assertTrue(fx.store.membershipsOf(alice).isEmpty());
    }
  }
}
