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

/** Rule 5.1, 5.3 (joins) and 5.8 of the m.room.member rules. */
class MembershipJoinTest {
  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_memberWithoutStateKey_rejected(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "public");
    assertRejected(room.event("m.room.member").sender(BOB).content("{'membership': 'join'}").authorize(), "5.1");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_memberWithoutOrWithNonStringMembership_rejected(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "public");
    assertRejected(room.stateEvent("m.room.member", BOB).sender(BOB).content("{}").authorize(), "5.1");
    assertRejected(
        room.stateEvent("m.room.member", BOB).sender(BOB).content("{'membership': ['join']}").authorize(), "5.1");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_unknownMembership_rejected(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "public");
    assertRejected(room.memberEvent(BOB, BOB, "lurk").authorize(), "5.8");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_creatorsFirstJoinAfterCreate_allowed(RoomVersion version) {
    RoomFixture room = RoomFixture.created(version);
    assertAllowed(room.memberEvent(ALICE, ALICE, "join").prevEvents(room.create.eventId()).authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_creatorsJoinNotDirectlyAfterCreate_needsJoinRules(RoomVersion version) {
    RoomFixture room = RoomFixture.created(version);
    // No join rules event reads as invite-only, and Alice holds no invite.
    assertRejected(room.memberEvent(ALICE, ALICE, "join").authorize(), "5.3.4");
    assertRejected(
        room.memberEvent(ALICE, ALICE, "join").prevEvents(room.create.eventId(), "$other").authorize(), "5.3.4");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_firstJoinByContentCreator_allowedUntilV10(RoomVersion version) {
    // Alice sends the create event naming Bob in content.creator.
    RoomFixture room = RoomFixture.created(version, ALICE, "{'creator': '" + BOB + "'}");
    AuthResult bob = room.memberEvent(BOB, BOB, "join").prevEvents(room.create.eventId()).authorize();
    AuthResult alice = room.memberEvent(ALICE, ALICE, "join").prevEvents(room.create.eventId()).authorize();
    if (version.implicitRoomCreator()) {
      // v11+: the creator is the create event's sender, content.creator means nothing.
      assertRejected(bob, "5.3.4");
      assertAllowed(alice);
    } else {
      assertAllowed(bob);
      assertRejected(alice, "5.3.4");
    }
  }

  @Test
  void authorize_v12AdditionalCreatorFirstJoin_notSpecial() {
    RoomFixture room = RoomFixture.created(RoomVersion.V12, ALICE, "{'additional_creators': ['" + BOB + "']}");
    assertRejected(room.memberEvent(BOB, BOB, "join").prevEvents(room.create.eventId()).authorize(), "5.3.4");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_joinForSomeoneElse_rejected(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "public");
    assertRejected(room.memberEvent(ALICE, BOB, "join").authorize(), "5.3.2");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_joinWhileBanned_rejected(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "public");
    room.member(ALICE, BOB, "ban");
    assertRejected(room.memberEvent(BOB, BOB, "join").authorize(), "5.3.3");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_inviteRule_onlyInvitedOrJoinedMayJoin(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "invite");
    assertRejected(room.memberEvent(BOB, BOB, "join").authorize(), "5.3.4");
    room.member(ALICE, BOB, "invite");
    assertAllowed(room.memberEvent(BOB, BOB, "join").authorize());
    room.member(BOB, BOB, "join");
    assertAllowed(room.memberEvent(BOB, BOB, "join").content("{'membership': 'join', 'displayname': 'B'}").authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_noJoinRulesEvent_readAsInvite(RoomVersion version) {
    RoomFixture room = RoomFixture.created(version);
    room.member(ALICE, ALICE, "join");
    assertRejected(room.memberEvent(BOB, BOB, "join").authorize(), "5.3.4");
    room.member(ALICE, BOB, "invite");
    assertAllowed(room.memberEvent(BOB, BOB, "join").authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_knockRule_admitsInvitedFromV7(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "knock");
    room.member(ALICE, BOB, "invite");
    AuthResult result = room.memberEvent(BOB, BOB, "join").authorize();
    if (version.supportsKnocking()) {
      assertAllowed(result);
      assertRejected(room.memberEvent(CAROL, CAROL, "join").authorize(), "5.3.4");
    } else {
      assertRejected(result, "5.3.7");
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_publicRule_anyoneMayJoin(RoomVersion version) {
    assertAllowed(RoomFixture.standard(version, "public").memberEvent(BOB, BOB, "join").authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_unknownJoinRule_rejected(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "private");
    room.member(ALICE, BOB, "invite");
    assertRejected(room.memberEvent(BOB, BOB, "join").authorize(), "5.3.7");
  }

  private static RoomFixture restrictedRoom(RoomVersion version, String rule) {
    RoomFixture room = RoomFixture.standard(version, rule);
    room.member(CAROL, CAROL, "join");
    return room;
  }

  private static RoomFixture.EventBuilder authorisedJoin(RoomFixture room, String authoriser) {
    return room.memberEvent(BOB, BOB, "join")
        .content("{'membership': 'join', 'join_authorised_via_users_server': '" + authoriser + "'}");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_restrictedJoinAuthorisedByJoinedInviter_allowedFromV8(RoomVersion version) {
    RoomFixture room = restrictedRoom(version, "restricted");
    AuthResult result = authorisedJoin(room, ALICE).authorize();
    if (version.supportsRestrictedJoins()) {
      assertAllowed(result);
    } else {
      assertRejected(result, "5.3.7");
    }
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V8", "V9", "V10", "V11", "V12"})
  void authorize_restrictedJoinWithoutAuthoriser_rejected(RoomVersion version) {
    RoomFixture room = restrictedRoom(version, "restricted");
    assertRejected(room.memberEvent(BOB, BOB, "join").authorize(), "5.3.5.2");
    assertRejected(
        room.memberEvent(BOB, BOB, "join")
            .content("{'membership': 'join', 'join_authorised_via_users_server': 7}")
            .authorize(),
        "5.3.5.2");
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V8", "V9", "V10", "V11", "V12"})
  void authorize_restrictedJoinAuthorisedByNonMember_rejected(RoomVersion version) {
    RoomFixture room = restrictedRoom(version, "restricted");
    room.member(ALICE, ALICE, "leave");
    assertRejected(authorisedJoin(room, ALICE).authorize(), "5.3.5.2");
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V8", "V9", "V10", "V11", "V12"})
  void authorize_restrictedJoinAuthorisedBelowInviteLevel_rejected(RoomVersion version) {
    RoomFixture room = restrictedRoom(version, "restricted");
    room.powerLevelsKeepingAlice("'invite': 50");
    assertRejected(authorisedJoin(room, CAROL).authorize(), "5.3.5.2");
    assertAllowed(authorisedJoin(room, ALICE).authorize());
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V8", "V9", "V10", "V11", "V12"})
  void authorize_restrictedJoinWhenInvited_allowedWithoutAuthoriser(RoomVersion version) {
    RoomFixture room = restrictedRoom(version, "restricted");
    room.member(ALICE, BOB, "invite");
    assertAllowed(room.memberEvent(BOB, BOB, "join").authorize());
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V8", "V9", "V10", "V11", "V12"})
  void authorize_knockRestrictedJoin_authorisedFromV10(RoomVersion version) {
    RoomFixture room = restrictedRoom(version, "knock_restricted");
    AuthResult result = authorisedJoin(room, ALICE).authorize();
    if (version.supportsKnockRestricted()) {
      assertAllowed(result);
      assertRejected(room.memberEvent(BOB, BOB, "join").authorize(), "5.3.5.2");
    } else {
      assertRejected(result, "5.3.7");
    }
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10", "V11", "V12"})
  void authorize_knockRestrictedInvitedJoin_allowedFromV10(RoomVersion version) {
    RoomFixture room = restrictedRoom(version, "knock_restricted");
    room.member(ALICE, BOB, "invite");
    assertAllowed(room.memberEvent(BOB, BOB, "join").authorize());
  }

  @Test
  void authorize_v12CreatorAuthorisesRestrictedJoin_infiniteLevelSuffices() {
    RoomFixture room = restrictedRoom(RoomVersion.V12, "restricted");
    room.powerLevels("{'invite': 1000000}");
    assertAllowed(authorisedJoin(room, ALICE).authorize());
  }
}
