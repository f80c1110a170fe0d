package dev.larch.core.auth;

import static dev.larch.core.auth.AuthAssertions.assertAllowed;
import static dev.larch.core.auth.AuthAssertions.assertRejected;
import static dev.larch.core.auth.RoomFixture.ALICE;
import static dev.larch.core.auth.RoomFixture.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.larch.core.event.Pdu;
import dev.larch.core.room.RoomVersion;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rule 1: m.room.create. */
class CreateRulesTest {
  private static Pdu create(RoomVersion version, String content, String... extraFieldsJson) {
    RoomFixture room = RoomFixture.created(version);
    RoomFixture.EventBuilder builder =
        room.stateEvent(EventTypes.CREATE, "").content(content).prevEvents();
    if (version.privilegedCreators()) {
      builder.without("room_id");
    }
    for (int i = 0; i + 1 < extraFieldsJson.length; i += 2) {
      builder.raw(extraFieldsJson[i], extraFieldsJson[i + 1]);
    }
    return builder.build();
  }

  private static String validContent(RoomVersion version) {
    return withCreator(version, "'room_version': '" + version.identifier() + "'");
  }

  /** Create content with these properties, plus {@code creator} where the version requires it (v1–10). */
  private static String withCreator(RoomVersion version, String properties) {
    return version.implicitRoomCreator()
        ? "{" + properties + "}"
        : "{'creator': '" + ALICE + "', " + properties + "}";
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_validCreate_allowed(RoomVersion version) {
    assertAllowed(AuthRules.authorize(create(version, validContent(version)), Map.of()));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_fixtureCreate_allowed(RoomVersion version) {
    assertAllowed(AuthRules.authorize(RoomFixture.created(version).create, Map.of()));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_createWithPrevEvents_rejected(RoomVersion version) {
    assertRejected(
        AuthRules.authorize(create(version, validContent(version), "prev_events", "['$x']"), Map.of()), "1.1");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_createWithNonArrayPrevEvents_rejected(RoomVersion version) {
    assertRejected(
        AuthRules.authorize(create(version, validContent(version), "prev_events", "'$x'"), Map.of()), "1.1");
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "V11"})
  void authorize_roomIdDomainDiffersFromSender_rejectedBeforeV12(RoomVersion version) {
    Pdu event = create(version, validContent(version), "room_id", "'!room:b.example'");
    assertRejected(AuthRules.authorize(event, Map.of()), "1.2");
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "V11"})
  void authorize_roomIdWithoutDomain_rejectedBeforeV12(RoomVersion version) {
    Pdu event =
        create(version, validContent(version), "room_id", "'!31hneApxJ_1o-63DmFrpeqnkFfWppnzWso1JvH3ogLM'");
    assertRejected(AuthRules.authorize(event, Map.of()), "1.2");
  }

  @Test
  void authorize_v12CreateWithRoomId_rejected() {
    Pdu event = create(RoomVersion.V12, validContent(RoomVersion.V12), "room_id", "'!room:a.example'");
    assertRejected(AuthRules.authorize(event, Map.of()), "1.2");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_unknownRoomVersion_rejected(RoomVersion version) {
    String content = withCreator(version, "'room_version': '99'");
    assertRejected(AuthRules.authorize(create(version, content), Map.of()), "1.3");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_nonStringRoomVersion_rejected(RoomVersion version) {
    String content = withCreator(version, "'room_version': 10");
    assertRejected(AuthRules.authorize(create(version, content), Map.of()), "1.3");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_absentRoomVersion_allowed(RoomVersion version) {
    String content = version.implicitRoomCreator() ? "{}" : "{'creator': '" + ALICE + "'}";
    assertAllowed(AuthRules.authorize(create(version, content), Map.of()));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_noCreator_rejectedUntilV10AllowedFromV11(RoomVersion version) {
    AuthResult result = AuthRules.authorize(create(version, "{}"), Map.of());
    if (version.implicitRoomCreator()) {
      assertAllowed(result);
    } else {
      assertRejected(result, "1.4");
    }
  }

  @Test
  void authorize_v12AdditionalCreatorsValid_allowed() {
    assertAllowed(AuthRules.authorize(create(RoomVersion.V12, "{'additional_creators': ['" + BOB + "']}"), Map.of()));
  }

  @Test
  void authorize_v12AdditionalCreatorsNotArray_rejected() {
    assertRejected(
        AuthRules.authorize(create(RoomVersion.V12, "{'additional_creators': '" + BOB + "'}"), Map.of()), "1.4");
  }

  @Test
  void authorize_v12AdditionalCreatorsInvalidUserId_rejected() {
    assertRejected(
        AuthRules.authorize(create(RoomVersion.V12, "{'additional_creators': ['not-a-user']}"), Map.of()), "1.4");
    assertRejected(AuthRules.authorize(create(RoomVersion.V12, "{'additional_creators': [42]}"), Map.of()), "1.4");
  }

  @Test
  void authorize_v11AdditionalCreatorsInvalid_ignored() {
    assertAllowed(AuthRules.authorize(create(RoomVersion.V11, "{'additional_creators': 'junk'}"), Map.of()));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_invalidSender_rejected(RoomVersion version) {
    assertRejected(
        AuthRules.authorize(create(version, validContent(version), "sender", "'alice'"), Map.of()),
        "sender is not a valid user ID");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_missingType_rejected(RoomVersion version) {
    RoomFixture room = RoomFixture.created(version);
    Pdu event = room.event("x").without("type").build();
    assertRejected(AuthRules.authorize(event, room.state), "event has no type");
  }

  @Test
  void authorize_v12CreateWithoutRoomId_derivesRoomIdFromEventId() {
    RoomFixture room = RoomFixture.created(RoomVersion.V12);
    assertEquals("!" + room.create.eventId().substring(1), room.create.roomId());
    assertAllowed(AuthRules.authorize(room.create, Map.of()));
  }
}
