package dev.larch.core.auth;

import static dev.larch.core.auth.RoomFixture.ALICE;
import static dev.larch.core.auth.RoomFixture.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.larch.core.event.Pdu;
import dev.larch.core.room.RoomVersion;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Wrong JSON types anywhere the rules look must yield a verdict, never an exception. */
class MalformedEventsTest {
  private static final List<String> ODD_VALUES =
      List.of("null", "true", "7", "-1.5", "'text'", "[]", "['a', 1]", "{}", "{'a': {'b': []}}");

  private static final List<String> MEMBER_CONTENT_KEYS =
      List.of("membership", "third_party_invite", "join_authorised_via_users_server");

  private static final List<String> POWER_LEVEL_KEYS =
      List.of("users", "events", "notifications", "ban", "users_default", "state_default", "invite");

  private static RoomFixture room(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "restricted");
    room.member(BOB, BOB, "join");
    room.stateEvent("m.room.third_party_invite", "tok").content("{'public_key': 7, 'public_keys': 'x'}").apply();
    return room;
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_oddTopLevelFields_returnsVerdict(RoomVersion version) {
    RoomFixture room = room(version);
    for (String field : List.of("type", "sender", "state_key", "content", "prev_events", "room_id", "redacts")) {
      for (String value : ODD_VALUES) {
        for (String type : List.of("m.room.member", "m.room.power_levels", "m.room.redaction", "m.room.create")) {
          Pdu event = room.stateEvent(type, BOB).sender(BOB).raw(field, value).build();
          assertNotNull(AuthRules.authorize(event, room.state), field + "=" + value);
          assertNotNull(AuthRules.authEventTypes(event));
          assertNotNull(AuthRules.checkAuthEvents(event, List.of(room.create)));
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_oddMemberContent_rejectsOrAllowsWithoutThrowing(RoomVersion version) {
    RoomFixture room = room(version);
    for (String key : MEMBER_CONTENT_KEYS) {
      for (String value : ODD_VALUES) {
        String content = "{'membership': 'invite', '" + key + "': " + value + "}";
        assertNotNull(room.memberEvent(ALICE, "@dan:d.example", "invite").content(content).authorize());
        String join = "{'membership': 'join', '" + key + "': " + value + "}";
        assertNotNull(room.memberEvent("@dan:d.example", "@dan:d.example", "join").content(join).authorize());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_oddThirdPartyInviteShapes_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    for (String signed : ODD_VALUES) {
      String content = "{'membership': 'invite', 'third_party_invite': {'signed': " + signed + "}}";
      AuthResult result = room.memberEvent(ALICE, "@dan:d.example", "invite").content(content).authorize();
      assertFalse(result.isAllowed(), signed);
    }
    String content =
        "{'membership': 'invite', 'third_party_invite': {'signed': {'mxid': '@dan:d.example', 'token': 'tok',"
            + " 'signatures': {'id.example': {'ed25519:0': 'bad base64!', 'ed25519:1': 5}, 'x': 'y'},"
            + " 'bad': '\\ud800'}}}";
    assertFalse(room.memberEvent(ALICE, "@dan:d.example", "invite").content(content).authorize().isAllowed());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_oddPowerLevelsContent_returnsVerdict(RoomVersion version) {
    RoomFixture room = room(version);
    for (String key : POWER_LEVEL_KEYS) {
      for (String value : ODD_VALUES) {
        String content = "{'" + key + "': " + value + "}";
        assertNotNull(room.stateEvent("m.room.power_levels", "").content(content).authorize(), content);
        // The odd value as the current power levels, with a well-formed change on top.
        RoomFixture current = room(version);
        current.powerLevels(content);
        assertNotNull(current.stateEvent("m.room.power_levels", "").content("{}").authorize());
        assertNotNull(current.event("m.room.message").sender(BOB).authorize());
      }
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_oddCreateContent_returnsVerdict(RoomVersion version) {
    for (String key : List.of("creator", "room_version", "additional_creators", "m.federate")) {
      for (String value : ODD_VALUES) {
        RoomFixture room = RoomFixture.created(version, ALICE, "{'" + key + "': " + value + "}");
        assertNotNull(AuthRules.authorize(room.create, java.util.Map.of()));
        assertNotNull(room.memberEvent(ALICE, ALICE, "join").prevEvents(room.create.eventId()).authorize());
        assertNotNull(PowerLevels.fromState(version, room.state).userLevel(ALICE));
      }
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void parseLevel_hostileNumbers_fastAndBounded(RoomVersion version) {
    assertTimeoutPreemptively(
        Duration.ofSeconds(2),
        () -> {
          assertEquals(
              version.acceptsFloatPowerLevels() ? OptionalLong.of(0) : OptionalLong.empty(),
              PowerLevels.parseLevel(RoomFixture.node("5e-999999999"), version));
          assertEquals(OptionalLong.empty(), PowerLevels.parseLevel(RoomFixture.node("5e999999999"), version));
          String digits = "'" + "9".repeat(60_000) + "'";
          assertEquals(OptionalLong.empty(), PowerLevels.parseLevel(RoomFixture.node(digits), version));
          String zeros = "'" + "0".repeat(60_000) + "42'";
          assertEquals(
              version.integerOnlyPowerLevels() ? OptionalLong.empty() : OptionalLong.of(42),
              PowerLevels.parseLevel(RoomFixture.node(zeros), version));
        });
  }
}
