package dev.larch.core.auth;

import static dev.larch.core.auth.AuthAssertions.assertAllowed;
import static dev.larch.core.auth.AuthAssertions.assertRejected;
import static dev.larch.core.auth.RoomFixture.ALICE;
import static dev.larch.core.auth.RoomFixture.BOB;
import static dev.larch.core.auth.RoomFixture.CAROL;

import dev.larch.core.room.RoomVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Rule 5.4.2–5.4.5: invites without a third-party invite. */
class MembershipInviteTest {
  private static RoomFixture room(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "invite");
    room.member(ALICE, BOB, "invite");
    room.member(BOB, BOB, "join");
    return room;
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_inviteByJoinedMemberAtDefaultInviteLevel_allowed(RoomVersion version) {
    // The invite level defaults to 0, so any joined member may invite.
    assertAllowed(room(version).memberEvent(BOB, CAROL, "invite").authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_inviteBySenderNotJoined_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    room.member(BOB, BOB, "leave");
    assertRejected(room.memberEvent(BOB, CAROL, "invite").authorize(), "5.4.2");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_inviteOfJoinedOrBannedUser_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    room.member(CAROL, CAROL, "join");
    assertRejected(room.memberEvent(BOB, CAROL, "invite").authorize(), "5.4.3");
    room.member(ALICE, CAROL, "ban");
    assertRejected(room.memberEvent(ALICE, CAROL, "invite").authorize(), "5.4.3");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_reinviteOfInvitedOrLeftUser_allowed(RoomVersion version) {
    RoomFixture room = room(version);
    room.member(BOB, CAROL, "invite");
    assertAllowed(room.memberEvent(BOB, CAROL, "invite").authorize());
    room.member(CAROL, CAROL, "leave");
    assertAllowed(room.memberEvent(BOB, CAROL, "invite").authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_inviteBelowInviteLevel_rejected(RoomVersion version) {
    RoomFixture room = room(version);
    room.powerLevelsKeepingAlice("'invite': 50");
    assertRejected(room.memberEvent(BOB, CAROL, "invite").authorize(), "5.4.5");
    assertAllowed(room.memberEvent(ALICE, CAROL, "invite").authorize());
  }
}
