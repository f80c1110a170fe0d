package dev.larch.core.auth;

import static dev.larch.core.auth.RoomFixture.ALICE;
import static dev.larch.core.auth.RoomFixture.BOB;
import static dev.larch.core.auth.RoomFixture.CAROL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.event.Pdu;
import dev.larch.core.room.RoomVersion;
import java.util.OptionalLong;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The power levels view: defaults, creators, and the number formats each room version accepts. */
class PowerLevelsTest {
  private static PowerLevels levels(RoomFixture room) {
    return PowerLevels.fromState(room.version, room.state);
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void defaults_noPowerLevelsEvent_specDefaults(RoomVersion version) {
    PowerLevels levels = levels(RoomFixture.created(version));
    assertFalse(levels.hasPowerLevelsEvent());
    assertEquals(0, levels.usersDefault());
    assertEquals(0, levels.eventsDefault());
    assertEquals(50, levels.stateDefault());
    assertEquals(50, levels.ban());
    assertEquals(50, levels.kick());
    assertEquals(50, levels.redact());
    assertEquals(0, levels.invite());
    assertEquals(50, levels.notificationLevel("room"));
    assertEquals(0, levels.userLevel(BOB));
    assertEquals(50, levels.requiredLevel("m.room.name", true));
    assertEquals(0, levels.requiredLevel("m.room.message", false));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void userLevel_creatorWithoutPowerLevelsEvent_100OrInfinite(RoomVersion version) {
    long expected = version.privilegedCreators() ? PowerLevels.INFINITE : 100;
    assertEquals(expected, levels(RoomFixture.created(version)).userLevel(ALICE));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void userLevel_creatorWithPowerLevelsEvent_onlyV12Special(RoomVersion version) {
    RoomFixture room = RoomFixture.created(version);
    room.powerLevels("{'users_default': 5}");
    long expected = version.privilegedCreators() ? PowerLevels.INFINITE : 5;
    assertEquals(expected, levels(room).userLevel(ALICE));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void userLevel_contentCreatorWithoutPowerLevels_countsUntilV10(RoomVersion version) {
    // Alice sends the create event, content.creator names Bob.
    PowerLevels levels = levels(RoomFixture.created(version, ALICE, "{'creator': '" + BOB + "'}"));
    if (version.implicitRoomCreator()) {
      assertEquals(0, levels.userLevel(BOB));
    } else {
      assertEquals(100, levels.userLevel(BOB));
      assertEquals(0, levels.userLevel(ALICE));
    }
  }

  @Test
  void userLevel_v12AdditionalCreators_infinite() {
    RoomFixture room = RoomFixture.created(RoomVersion.V12, ALICE, "{'additional_creators': ['" + BOB + "']}");
    room.powerLevels("{'users': {'" + CAROL + "': 100}}");
    PowerLevels levels = levels(room);
    assertEquals(PowerLevels.INFINITE, levels.userLevel(BOB));
    assertEquals(100, levels.userLevel(CAROL));
    assertEquals(Set.of(ALICE, BOB), levels.privilegedCreators());
  }

  @Test
  void userLevel_v11AdditionalCreators_notCreators() {
    RoomFixture room = RoomFixture.created(RoomVersion.V11, ALICE, "{'additional_creators': ['" + BOB + "']}");
    assertEquals(0, levels(room).userLevel(BOB));
    assertEquals(Set.of(), levels(room).privilegedCreators());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void userLevel_usersEntryOrUsersDefault(RoomVersion version) {
    RoomFixture room = RoomFixture.created(version);
    room.powerLevels("{'users_default': 3, 'users': {'" + BOB + "': 42}}");
    assertEquals(42, levels(room).userLevel(BOB));
    assertEquals(3, levels(room).userLevel(CAROL));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void requiredLevel_eventsEntryOverridesDefaults(RoomVersion version) {
    RoomFixture room = RoomFixture.created(version);
    room.powerLevels("{'events': {'m.room.message': 7, 'm.room.topic': 1}, 'state_default': 60, 'events_default': 2}");
    PowerLevels levels = levels(room);
    assertEquals(7, levels.requiredLevel("m.room.message", false));
    assertEquals(1, levels.requiredLevel("m.room.topic", true));
    assertEquals(60, levels.requiredLevel("m.room.name", true));
    assertEquals(2, levels.requiredLevel("m.reaction", false));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void notificationLevel_configuredOrDefault(RoomVersion version) {
    RoomFixture room = RoomFixture.created(version);
    room.powerLevels("{'notifications': {'room': 20, 'other': 3}}");
    assertEquals(20, levels(room).notificationLevel("room"));
    assertEquals(3, levels(room).notificationLevel("other"));
    assertEquals(0, levels(room).notificationLevel("unset"));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void parseLevel_integerStrings_acceptedUntilV9(RoomVersion version) {
    for (String text : new String[] {"'100'", "'000100'", "'+100'", "' 100 '", "' +100 '"}) {
      OptionalLong level = PowerLevels.parseLevel(RoomFixture.node(text), version);
      assertEquals(version.integerOnlyPowerLevels() ? OptionalLong.empty() : OptionalLong.of(100), level, text);
    }
    OptionalLong negative = PowerLevels.parseLevel(RoomFixture.node("' -5 '"), version);
    assertEquals(version.integerOnlyPowerLevels() ? OptionalLong.empty() : OptionalLong.of(-5), negative);
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void parseLevel_malformedStrings_rejectedEverywhere(RoomVersion version) {
    for (String text : new String[] {"'1.5'", "'abc'", "''", "'+'", "'--1'", "'1e3'", "'0x10'", "' 1 2 '"}) {
      assertEquals(OptionalLong.empty(), PowerLevels.parseLevel(RoomFixture.node(text), version), text);
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void parseLevel_floats_truncatedUntilV5(RoomVersion version) {
    OptionalLong plain = PowerLevels.parseLevel(RoomFixture.node("50.57"), version);
    OptionalLong exponent = PowerLevels.parseLevel(RoomFixture.node("5.114698E4"), version);
    OptionalLong negative = PowerLevels.parseLevel(RoomFixture.node("-7.9"), version);
    if (version.acceptsFloatPowerLevels()) {
      assertEquals(OptionalLong.of(50), plain);
      assertEquals(OptionalLong.of(51146), exponent);
      assertEquals(OptionalLong.of(-7), negative);
    } else {
      assertEquals(OptionalLong.empty(), plain);
      assertEquals(OptionalLong.empty(), exponent);
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void parseLevel_floatBeyondDoubleRange_rejected(RoomVersion version) {
    assertEquals(OptionalLong.empty(), PowerLevels.parseLevel(RoomFixture.node("1e400"), version));
    assertTrue(PowerLevels.isOutOfDoubleRange(RoomFixture.node("1e400")));
    assertFalse(PowerLevels.isOutOfDoubleRange(RoomFixture.node("1e300")));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void parseLevel_integerBeyondCanonicalRange_rejectedFromV6(RoomVersion version) {
    OptionalLong level = PowerLevels.parseLevel(RoomFixture.node("9007199254740992"), version);
    assertEquals(version.strictCanonicalJson() ? OptionalLong.empty() : OptionalLong.of(9007199254740992L), level);
    assertEquals(OptionalLong.empty(), PowerLevels.parseLevel(RoomFixture.node("99999999999999999999"), version));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void parseLevel_otherTypes_rejected(RoomVersion version) {
    for (String text : new String[] {"true", "null", "{}", "[1]"}) {
      assertEquals(OptionalLong.empty(), PowerLevels.parseLevel(RoomFixture.node(text), version), text);
    }
  }

  @Test
  void userLevel_unparseableValue_fallsBackToDefault() {
    RoomFixture room = RoomFixture.created(RoomVersion.V10);
    room.powerLevels("{'users_default': 4, 'ban': 'x', 'users': {'" + BOB + "': '70'}}");
    PowerLevels levels = levels(room);
    assertEquals(4, levels.userLevel(BOB));
    assertEquals(50, levels.ban());
  }

  @Test
  void userLevel_stringValueInV9_read() {
    RoomFixture room = RoomFixture.created(RoomVersion.V9);
    room.powerLevels("{'ban': ' 60 ', 'users': {'" + BOB + "': '70'}}");
    assertEquals(70, levels(room).userLevel(BOB));
    assertEquals(60, levels(room).ban());
  }

  @Test
  void of_unknownCreate_noCreators() {
    Pdu powerLevels = RoomFixture.created(RoomVersion.V12).powerLevels("{}");
    PowerLevels levels = PowerLevels.of(RoomVersion.V12, null, powerLevels);
    assertEquals(0, levels.userLevel(ALICE));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void nullKeys_defaultsInsteadOfThrowing(RoomVersion version) {
    PowerLevels none = levels(RoomFixture.created(version));
    assertEquals(0, none.userLevel(null));
    RoomFixture room = RoomFixture.created(version);
    room.powerLevels("{'users_default': 2, 'users': 'x', 'events': 5}");
    PowerLevels malformed = levels(room);
    assertEquals(2, malformed.userLevel(null));
    assertEquals(2, malformed.userLevel(BOB));
    assertEquals(50, malformed.requiredLevel(null, true));
    assertEquals(0, malformed.notificationLevel(null));
  }
}
