package dev.larch.core.federation.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.RoomVersion;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The checks on a {@code send_join} answer, against a fake resident that signs real events (v10 and v12 rooms). */
class SendJoinAnswerTest {
  private static final String US = "larch.test";
  private static final String USER = "@joiner:larch.test";
  private static final String ALICE = "@alice:remote.test";

  private final EventSigner us = new EventSigner(US, "ed25519:us", SigningKey.fromSeed(new byte[32]));

  private FakeResident resident(RoomVersion version) {
    FakeResident resident = new FakeResident("remote.test", version);
    resident.trust(US, us.verifyKey());
    resident.createRoom(ALICE);
    resident.message(ALICE, "hello");
    return resident;
  }

  // make_join, complete, send_join, then the checks under test.
  private SendJoinAnswer join(FakeResident resident) {
    MembershipTemplate template = MembershipTemplate.fetch(resident, resident.name(), MembershipTemplate.Kind.JOIN,
        resident.roomId(), USER, RoomVersion.all());
    Pdu join = template.complete(us, 1_700_000_100_000L, JsonMapper.shared().createObjectNode()
        .put("displayname", "Joiner"), () -> "$x:" + US);
    JsonNode answer = resident.request(resident.name(), "PUT", "/_matrix/federation/v2/send_join/"
        + PathSegment.encode(resident.roomId()) + "/" + PathSegment.encode(join.eventId()), join.json());
    ReceivedEvents received = new ReceivedEvents(resident.keys());
    return SendJoinAnswer.check(resident.name(), resident.roomId(), join, answer, received, id -> Optional.empty());
  }

  private static String refusal(FakeResident resident, UnaryOperator<ObjectNode> tamper,
      java.util.function.Function<FakeResident, SendJoinAnswer> join) {
    resident.tamperSendJoin(tamper);
    RemoteServerException e = assertThrows(RemoteServerException.class, () -> join.apply(resident));
    assertEquals(RemoteServerException.Kind.BAD_RESPONSE, e.kind());
    return e.getMessage();
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10", "V12"})
  void aValidAnswerGivesTheStateBeforeTheJoin(RoomVersion version) {
    FakeResident resident = resident(version);
    SendJoinAnswer answer = join(resident);
    assertEquals(resident.state().get(StateKey.of("m.room.join_rules", "")),
        answer.state().get(StateKey.of("m.room.join_rules", "")));
    assertEquals(resident.state().get(StateKey.of("m.room.create", "")), answer.create().eventId());
    // The state before our join: alice's membership, not ours.
    assertTrue(answer.state().containsKey(StateKey.of("m.room.member", ALICE)));
    assertTrue(!answer.state().containsKey(StateKey.of("m.room.member", USER)));
    assertEquals("join", answer.join().membership());
    assertEquals("Joiner", answer.join().content().get("displayname").textValue());
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10", "V12"})
  void aStateEventWithChangedContentIsRefused(RoomVersion version) {
    FakeResident resident = resident(version);
    String message = refusal(resident, answer -> {
      for (JsonNode event : answer.get("state")) {
        if ("m.room.join_rules".equals(event.get("type").textValue())) {
          ((ObjectNode) event.get("content")).put("join_rule", "invite");
        }
      }
      return answer;
    }, this::join);
    assertTrue(message.contains("not validly signed"), message);
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10", "V12"})
  void stateSignedByAnUnknownServerIsRefused(RoomVersion version) {
    FakeResident resident = resident(version);
    FakeResident evil = new FakeResident("evil.test", version);
    // Mallory's "power levels" signed by a server whose key nobody knows.
    ObjectNode forged = resident.detached("@mallory:evil.test", "m.room.power_levels", "",
        JsonMapper.shared().createObjectNode().put("users_default", 100)).json().deepCopy();
    Pdu resigned = evil.signer().hashAndSign(forged, version);
    String message = refusal(resident, answer -> replaceState(answer, "m.room.power_levels", resigned), this::join);
    assertTrue(message.contains("not validly signed"), message);
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10", "V12"})
  void aValidlySignedStateEventThatFailsAuthIsRefused(RoomVersion version) {
    FakeResident resident = resident(version);
    // Signed by the resident, but sent by someone who never joined: fails rule 6 against its auth events.
    Pdu topic = resident.detached("@stranger:remote.test", "m.room.topic", "",
        JsonMapper.shared().createObjectNode().put("topic", "forged"));
    String message = refusal(resident, answer -> {
      ((ArrayNode) answer.get("state")).add(topic.json());
      return answer;
    }, this::join);
    assertTrue(message.contains("fail the auth rules"), message);
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10"})
  void stateInWhichOurJoinIsNotAllowedIsRefused(RoomVersion version) {
    FakeResident resident = resident(version);
    // A valid change of the join rules to invite-only, slipped into the state after our join was accepted.
    Pdu inviteOnly = resident.detached(ALICE, "m.room.join_rules", "",
        JsonMapper.shared().createObjectNode().put("join_rule", "invite"));
    String message = refusal(resident, answer -> replaceState(answer, "m.room.join_rules", inviteOnly), this::join);
    assertTrue(message.contains("our join fails against the room state"), message);
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10", "V12"})
  void stateWithoutTheCreateEventIsRefused(RoomVersion version) {
    FakeResident resident = resident(version);
    String message = refusal(resident, answer -> {
      ArrayNode state = (ArrayNode) answer.get("state");
      for (int i = state.size() - 1; i >= 0; i--) {
        if ("m.room.create".equals(state.get(i).get("type").textValue())) {
          state.remove(i);
        }
      }
      return answer;
    }, this::join);
    assertTrue(message.contains("no m.room.create"), message);
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10"})
  void theCreateEventOfAnotherRoomIsRefused(RoomVersion version) {
    FakeResident resident = resident(version);
    FakeResident other = new FakeResident("other.test", version);
    other.createRoom(ALICE);
    Pdu otherCreate = other.events().values().iterator().next();
    String message = refusal(resident, answer -> replaceState(answer, "m.room.create", otherCreate), this::join);
    assertTrue(message.contains("another room"), message);
  }

  private static ObjectNode replaceState(ObjectNode answer, String type, Pdu replacement) {
    ArrayNode state = (ArrayNode) answer.get("state");
    for (int i = 0; i < state.size(); i++) {
      if (type.equals(state.get(i).get("type").textValue())) {
        state.set(i, replacement.json());
      }
    }
    ((ArrayNode) answer.get("auth_chain")).addAll(List.of(replacement.json()));
    return answer;
  }
}
