package dev.larch.core.auth;

import static dev.larch.core.auth.AuthAssertions.assertAllowed;
import static dev.larch.core.auth.AuthAssertions.assertRejected;
import static dev.larch.core.auth.RoomFixture.ALICE;
import static dev.larch.core.auth.RoomFixture.BOB;
import static dev.larch.core.auth.RoomFixture.CAROL;

import dev.larch.core.room.RoomVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rules 5.5 (leave and kick), 5.6 (ban) and 5.7 (knock, v7+). */
class MembershipLeaveBanKnockTest {
  /** Alice 100 (v12: creator), Bob a moderator at 50, Carol a member at 0. */
  private static RoomFixture room(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "public");
    String alice = version.privilegedCreators() ? "" : "'" + ALICE + "': 100, ";
    room.powerLevels("{'users': {" + alice + "'" + BOB + "': 50}}");
    room.member(BOB, BOB, "join");
    room.member(CAROL, CAROL, "join");
    return room;
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_leaveWhileJoinedOrInvited_allowed(RoomVersion version) {
    RoomFixture room = room(version);
    assertAllowed(room.memberEvent(CAROL, CAROL, "leave").authorize());
    room.member(BOB, "@dan:d.example", "invite");
    assertAllowed(room.memberEvent("@dan:d.example", "@dan:d.example", "leave").authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_leaveWhenAlreadyLeftOrBanned_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    assertRejected(room.memberEvent("@dan:d.example", "@dan:d.example", "leave").authorize(), "5.5.1");
    room.member(ALICE, CAROL, "ban");
    assertRejected(room.memberEvent(CAROL, CAROL, "leave").authorize(), "5.5.1");
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V7", "V8", "V9", "V10", "V11", "V12"})
  void authorize_retractKnock_allowedFromV7(RoomVersion version) {
    RoomFixture room = room(version);
    room.member("@dan:d.example", "@dan:d.example", "knock");
    assertAllowed(room.memberEvent("@dan:d.example", "@dan:d.example", "leave").authorize());
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V1", "V2", "V3", "V4", "V5", "V6"})
  void authorize_leaveFromKnockStateBeforeV7_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    room.member("@dan:d.example", "@dan:d.example", "knock");
    assertRejected(room.memberEvent("@dan:d.example", "@dan:d.example", "leave").authorize(), "5.5.1");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_kickBySenderNotJoined_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    room.member(BOB, BOB, "leave");
    assertRejected(room.memberEvent(BOB, CAROL, "leave").authorize(), "5.5.2");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_kickOfLowerUserAtKickLevel_allowed(RoomVersion version) {
    assertAllowed(room(version).memberEvent(BOB, CAROL, "leave").authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_kickOfEqualOrHigherUser_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    assertRejected(room.memberEvent(BOB, ALICE, "leave").authorize(), "5.5.5");
    room.member(BOB, "@bo2:b.example", "invite");
    String alice = version.privilegedCreators() ? "" : "'" + ALICE + "': 100, ";
    room.powerLevels("{'users': {" + alice + "'" + BOB + "': 50, '@bo2:b.example': 50}}");
    assertRejected(room.memberEvent(BOB, "@bo2:b.example", "leave").authorize(), "5.5.5");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_kickBelowKickLevel_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    room.member(BOB, "@dan:d.example", "invite");
    assertRejected(room.memberEvent(CAROL, "@dan:d.example", "leave").authorize(), "5.5.5");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_unbanBelowBanLevel_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    String alice = version.privilegedCreators() ? "" : "'" + ALICE + "': 100, ";
    room.powerLevels("{'ban': 60, 'users': {" + alice + "'" + BOB + "': 50}}");
    room.member(ALICE, "@dan:d.example", "ban");
    assertRejected(room.memberEvent(BOB, "@dan:d.example", "leave").authorize(), "5.5.3");
    assertAllowed(room.memberEvent(ALICE, "@dan:d.example", "leave").authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_banBySenderNotJoined_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    room.member(BOB, BOB, "leave");
    assertRejected(room.memberEvent(BOB, CAROL, "ban").authorize(), "5.6.1");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_banOfLowerUserAtBanLevel_allowed(RoomVersion version) {
    RoomFixture room = room(version);
    assertAllowed(room.memberEvent(BOB, CAROL, "ban").authorize());
    // A user the room has never seen may be banned pre-emptively.
    assertAllowed(room.memberEvent(BOB, "@dan:d.example", "ban").authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_banOfHigherUserOrBelowBanLevel_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    assertRejected(room.memberEvent(BOB, ALICE, "ban").authorize(), "5.6.3");
    assertRejected(room.memberEvent(CAROL, "@dan:d.example", "ban").authorize(), "5.6.3");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_knockOnKnockRoom_allowedFromV7(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "knock");
    AuthResult result = room.memberEvent(BOB, BOB, "knock").authorize();
    if (version.supportsKnocking()) {
      assertAllowed(result);
    } else {
      assertRejected(result, "5.8");
    }
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V7", "V8", "V9", "V10", "V11", "V12"})
  void authorize_knockOnKnockRestrictedRoom_allowedFromV10(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "knock_restricted");
    AuthResult result = room.memberEvent(BOB, BOB, "knock").authorize();
    if (version.supportsKnockRestricted()) {
      assertAllowed(result);
    } else {
      assertRejected(result, "5.7.1");
    }
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V7", "V8", "V9", "V10", "V11", "V12"})
  void authorize_knockOnPublicOrInviteRoom_rejected(RoomVersion version) {
    assertRejected(RoomFixture.standard(version, "public").memberEvent(BOB, BOB, "knock").authorize(), "5.7.1");
    assertRejected(RoomFixture.standard(version, "invite").memberEvent(BOB, BOB, "knock").authorize(), "5.7.1");
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V7", "V8", "V9", "V10", "V11", "V12"})
  void authorize_knockForSomeoneElse_rejected(RoomVersion version) {
    assertRejected(RoomFixture.standard(version, "knock").memberEvent(ALICE, BOB, "knock").authorize(), "5.7.2");
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V7", "V8", "V9", "V10", "V11", "V12"})
  void authorize_knockWhenBannedInvitedOrJoined_rejected(RoomVersion version) {
    for (String membership : new String[] {"ban", "invite", "join"}) {
      RoomFixture room = RoomFixture.standard(version, "knock");
      room.member(ALICE, BOB, membership);
      assertRejected(room.memberEvent(BOB, BOB, "knock").authorize(), "5.7.4");
    }
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V7", "V8", "V9", "V10", "V11", "V12"})
  void authorize_knockAgainAfterLeaving_allowed(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "knock");
    room.member(BOB, BOB, "knock");
    assertAllowed(room.memberEvent(BOB, BOB, "knock").authorize());
    room.member(BOB, BOB, "leave");
    assertAllowed(room.memberEvent(BOB, BOB, "knock").authorize());
  }
}
