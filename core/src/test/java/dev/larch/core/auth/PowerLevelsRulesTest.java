package dev.larch.core.auth;

import static dev.larch.core.auth.AuthAssertions.assertAllowed;
import static dev.larch.core.auth.AuthAssertions.assertRejected;
import static dev.larch.core.auth.RoomFixture.ALICE;
import static dev.larch.core.auth.RoomFixture.BOB;
import static dev.larch.core.auth.RoomFixture.CAROL;

import dev.larch.core.room.RoomVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rule 10: m.room.power_levels. */
class PowerLevelsRulesTest {
  /**
   * Alice (creator; 100 before v12), Bob a moderator at 50, Carol at 10; Bob sends the changes. The current power
   * levels also hold {@code ban} 50, {@code events} {m.room.name: 50, m.room.tombstone: 100} and
   * {@code notifications} {room: 50}.
   */
  private static RoomFixture room(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "public");
    room.powerLevels(current(version, ""));
    room.member(BOB, BOB, "join");
    room.member(CAROL, CAROL, "join");
    return room;
  }

  private static String users(RoomVersion version, String extraUsers) {
    String alice = version.privilegedCreators() ? "" : "'" + ALICE + "': 100, ";
    return "'users': {" + alice + "'" + BOB + "': 50, '" + CAROL + "': 10" + extraUsers + "}";
  }

  private static String current(RoomVersion version, String extraUsers) {
    return "{'ban': 50, 'events': {'m.room.name': 50, 'm.room.tombstone': 100}, 'notifications': {'room': 50}, "
        + users(version, extraUsers) + "}";
  }

  /** Bob sends power levels with exactly this content. */
  private static AuthResult bobSendsContent(RoomFixture room, String content) {
    return room.stateEvent("m.room.power_levels", "").sender(BOB).content(content).authorize();
  }

  /** A change by Bob: the current content with {@code edit} spliced in before the users. */
  private static AuthResult bobSends(RoomFixture room, String edit) {
    String content = "{" + edit + users(room.version, "") + "}";
    return room.stateEvent("m.room.power_levels", "").sender(BOB).content(content).authorize();
  }

  private static final String SAME = "'ban': 50, 'events': {'m.room.name': 50, 'm.room.tombstone': 100}, "
      + "'notifications': {'room': 50}, ";

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_unchangedContent_allowed(RoomVersion version) {
    assertAllowed(bobSends(room(version), SAME));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_firstPowerLevelsEvent_allowedWhateverTheValues(RoomVersion version) {
    RoomFixture room = RoomFixture.created(version);
    room.member(ALICE, ALICE, "join");
    String users = version.privilegedCreators() ? "" : "'" + ALICE + "': 100, ";
    assertAllowed(
        room.stateEvent("m.room.power_levels", "")
            .content("{'ban': 1000, 'users': {" + users + "'" + BOB + "': 9000}}")
            .authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_senderBelowStateDefault_rejectedByRule8First(RoomVersion version) {
    RoomFixture room = room(version);
    AuthResult result =
        room.stateEvent("m.room.power_levels", "").sender(CAROL).content(current(version, "")).authorize();
    assertRejected(result, "8");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_stringNamedLevel_rejectedFromV10(RoomVersion version) {
    AuthResult result = bobSends(room(version), SAME.replace("'ban': 50", "'ban': '50'"));
    if (version.integerOnlyPowerLevels()) {
      assertRejected(result, "10.1");
    } else {
      assertAllowed(result);
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_floatNamedLevel_rejectedFromV10(RoomVersion version) {
    AuthResult result = bobSends(room(version), "'kick': 20.0, " + SAME);
    if (version.integerOnlyPowerLevels()) {
      assertRejected(result, "10.1");
    } else {
      // Before v10 the named levels are not validated; an unreadable value is as good as absent.
      assertAllowed(result);
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_eventsOrNotificationsWithStringValue_rejectedFromV10(RoomVersion version) {
    AuthResult events = bobSends(room(version), SAME.replace("'m.room.name': 50", "'m.room.name': '50'"));
    AuthResult notifications = bobSends(room(version), SAME.replace("'room': 50", "'room': '50'"));
    if (version.integerOnlyPowerLevels()) {
      assertRejected(events, "10.2");
      assertRejected(notifications, "10.2");
    } else {
      assertAllowed(events);
      assertAllowed(notifications);
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_eventsNotAnObject_rejectedFromV10(RoomVersion version) {
    AuthResult result = bobSends(room(version), "'ban': 50, 'events': [], 'notifications': {'room': 50}, ");
    if (version.integerOnlyPowerLevels()) {
      assertRejected(result, "10.2");
    } else {
      // Read as no events at all: removing m.room.tombstone (100) is beyond Bob.
      assertRejected(result, "10.7");
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_usersNotAnObject_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    assertRejected(
        room.stateEvent("m.room.power_levels", "").sender(ALICE).content("{'users': ['" + BOB + "']}").authorize(),
        "10.3");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_usersKeyNotAUserId_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    String content = "{" + SAME + users(version, ", 'bob': 1") + "}";
    assertRejected(room.stateEvent("m.room.power_levels", "").sender(BOB).content(content).authorize(), "10.3");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_usersStringValue_acceptedUntilV9(RoomVersion version) {
    RoomFixture room = room(version);
    AuthResult result =
        room.stateEvent("m.room.power_levels", "")
            .sender(BOB)
            .content("{" + SAME + users(version, ", '@dan:d.example': '5'") + "}")
            .authorize();
    if (version.integerOnlyPowerLevels()) {
      assertRejected(result, "10.3");
    } else {
      assertAllowed(result);
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_usersFloatValue_acceptedUntilV5(RoomVersion version) {
    RoomFixture room = room(version);
    AuthResult result =
        room.stateEvent("m.room.power_levels", "")
            .sender(BOB)
            .content("{" + SAME + users(version, ", '@dan:d.example': 5.5") + "}")
            .authorize();
    if (version.acceptsFloatPowerLevels()) {
      assertAllowed(result);
    } else {
      assertRejected(result, "10.3");
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_usersNonNumericValue_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    AuthResult result =
        room.stateEvent("m.room.power_levels", "")
            .sender(BOB)
            .content("{" + SAME + users(version, ", '@dan:d.example': 'lots'") + "}")
            .authorize();
    assertRejected(result, "10.3");
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V1", "V2", "V3", "V4", "V5"})
  void authorize_floatBeyondDoubleRange_rejectedUntilV5(RoomVersion version) {
    assertRejected(bobSends(room(version), "'kick': 1e400, " + SAME), "10");
  }

  @Test
  void authorize_v12UsersNamesCreator_rejected() {
    RoomFixture room = room(RoomVersion.V12);
    String content = "{" + SAME + users(RoomVersion.V12, ", '" + ALICE + "': 100") + "}";
    assertRejected(room.stateEvent("m.room.power_levels", "").sender(BOB).content(content).authorize(), "10.4");
  }

  @Test
  void authorize_v12UsersNamesAdditionalCreator_rejected() {
    RoomFixture room = RoomFixture.created(RoomVersion.V12, ALICE, "{'additional_creators': ['" + CAROL + "']}");
    room.member(ALICE, ALICE, "join");
    assertRejected(
        room.stateEvent("m.room.power_levels", "").content("{'users': {'" + CAROL + "': 50}}").authorize(), "10.4");
    assertAllowed(room.stateEvent("m.room.power_levels", "").content("{'users': {'" + BOB + "': 50}}").authorize());
  }

  @Test
  void authorize_v11UsersNamesCreator_allowed() {
    assertAllowed(bobSends(room(RoomVersion.V11), SAME));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_raiseNamedLevelAboveOwn_rejected(RoomVersion version) {
    assertRejected(bobSends(room(version), SAME.replace("'ban': 50", "'ban': 51")), "10.6.2");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_changeNamedLevelWithinOwn_allowed(RoomVersion version) {
    assertAllowed(bobSends(room(version), SAME.replace("'ban': 50", "'ban': 40")));
    assertAllowed(bobSends(room(version), "'kick': 50, " + SAME));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_changeNamedLevelCurrentlyAboveOwn_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    room.powerLevels("{'redact': 60, " + SAME + users(version, "") + "}");
    assertRejected(bobSends(room, SAME), "10.6.1");
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9"})
  void authorize_stringEqualToCurrentInteger_noChangeUntilV9(RoomVersion version) {
    RoomFixture room = room(version);
    room.powerLevels("{'redact': 60, " + SAME + users(version, "") + "}");
    // '60' and 60 are the same level, so the value above Bob's is not altered.
    assertAllowed(bobSends(room, "'redact': ' 60', " + SAME));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_changeEventsEntryCurrentlyAboveOwn_rejected(RoomVersion version) {
    assertRejected(bobSends(room(version), SAME.replace("'m.room.tombstone': 100", "'m.room.tombstone': 0")), "10.7");
    assertRejected(bobSends(room(version), SAME.replace(", 'm.room.tombstone': 100", "")), "10.7");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_setEventsEntryAboveOwn_rejected(RoomVersion version) {
    assertRejected(bobSends(room(version), SAME.replace("'m.room.name': 50", "'m.room.name': 51")), "10.8");
    assertRejected(bobSends(room(version), SAME.replace("'m.room.name': 50", "'m.room.name': 50, 'x': 99")), "10.8");
    assertAllowed(bobSends(room(version), SAME.replace("'m.room.name': 50", "'m.room.name': 20, 'x': 50")));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_raiseNotificationAboveOwn_rejectedFromV6(RoomVersion version) {
    AuthResult result = bobSends(room(version), SAME.replace("'room': 50", "'room': 51"));
    if (version.limitsNotificationsPowerLevels()) {
      assertRejected(result, "10.8");
    } else {
      assertAllowed(result);
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_changeNotificationCurrentlyAboveOwn_rejectedFromV6(RoomVersion version) {
    RoomFixture room = room(version);
    room.powerLevels("{" + SAME.replace("'room': 50", "'room': 80") + users(version, "") + "}");
    AuthResult result = bobSends(room, SAME);
    if (version.limitsNotificationsPowerLevels()) {
      assertRejected(result, "10.7");
    } else {
      assertAllowed(result);
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_demoteUserAtOwnLevel_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    room.powerLevels(current(version, ", '@mod:d.example': 50"));
    String content = "{" + SAME + users(version, ", '@mod:d.example': 10") + "}";
    assertRejected(room.stateEvent("m.room.power_levels", "").sender(BOB).content(content).authorize(), "10.9");
    String removed = "{" + SAME + users(version, "") + "}";
    assertRejected(room.stateEvent("m.room.power_levels", "").sender(BOB).content(removed).authorize(), "10.9");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_demoteLowerUserAndSelf_allowed(RoomVersion version) {
    RoomFixture room = room(version);
    String carolDemoted = users(version, "").replace("'" + CAROL + "': 10", "'" + CAROL + "': 0");
    assertAllowed(bobSendsContent(room, "{" + SAME + carolDemoted + "}"));
    String bobDemoted = users(version, "").replace("'" + BOB + "': 50", "'" + BOB + "': 5");
    assertAllowed(bobSendsContent(room, "{" + SAME + bobDemoted + "}"));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_promoteUserAboveOwn_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    String content = "{" + SAME + users(version, "").replace("'" + CAROL + "': 10", "'" + CAROL + "': 51") + "}";
    assertRejected(room.stateEvent("m.room.power_levels", "").sender(BOB).content(content).authorize(), "10.10");
    String toOwn = "{" + SAME + users(version, "").replace("'" + CAROL + "': 10", "'" + CAROL + "': 50") + "}";
    assertAllowed(room.stateEvent("m.room.power_levels", "").sender(BOB).content(toOwn).authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_demoteHigherUser_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    room.powerLevels(current(version, ", '@boss:d.example': 90"));
    String content = "{" + SAME + users(version, ", '@boss:d.example': 0") + "}";
    assertRejected(room.stateEvent("m.room.power_levels", "").sender(BOB).content(content).authorize(), "10.9");
  }

  @Test
  void authorize_v12Creator_mayChangeAnything() {
    RoomFixture room = room(RoomVersion.V12);
    String boss = users(RoomVersion.V12, ", '@boss:d.example': 9000000");
    room.powerLevels("{'ban': 1000000, 'events': {'m.room.tombstone': 9000000}, " + boss + "}");
    String content = "{'ban': 0, 'events': {}, 'users': {'@boss:d.example': 0, '" + BOB + "': 8000000}}";
    assertAllowed(room.stateEvent("m.room.power_levels", "").sender(ALICE).content(content).authorize());
  }

  @Test
  void authorize_v11Creator_limitedByOwnLevel() {
    RoomFixture room = room(RoomVersion.V11);
    assertRejected(
        room.stateEvent("m.room.power_levels", "")
            .sender(ALICE)
            .content("{'ban': 101, " + SAME.substring(SAME.indexOf("'events'")) + users(RoomVersion.V11, "") + "}")
            .authorize(),
        "10.6.2");
  }
}
