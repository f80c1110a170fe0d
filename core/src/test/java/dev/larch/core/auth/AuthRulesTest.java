package dev.larch.core.auth;

import static dev.larch.core.auth.AuthAssertions.assertAllowed;
import static dev.larch.core.auth.AuthAssertions.assertRejected;
import static dev.larch.core.auth.RoomFixture.ALICE;
import static dev.larch.core.auth.RoomFixture.BOB;
import static dev.larch.core.auth.RoomFixture.CAROL;
import static dev.larch.core.auth.RoomFixture.DAVE;

import dev.larch.core.event.Pdu;
import dev.larch.core.room.RoomVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The rules every event type passes through: m.federate (4), aliases (v1–5), 6–9 and the v1–2 redaction rule. */
class AuthRulesTest {
  private static RoomFixture roomWithBob(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "public");
    room.member(BOB, BOB, "join");
    return room;
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_messageFromJoinedMember_allowed(RoomVersion version) {
    assertAllowed(roomWithBob(version).event("m.room.message").sender(BOB).authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_federateFalseSenderFromOtherServer_rejected(RoomVersion version) {
    RoomFixture room = RoomFixture.created(version, ALICE, "{'m.federate': false}");
    room.member(ALICE, ALICE, "join");
    room.joinRule("public");
    assertRejected(room.memberEvent(BOB, BOB, "join").authorize(), "4");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_federateFalseSenderFromCreatorsServer_allowed(RoomVersion version) {
    RoomFixture room = RoomFixture.created(version, ALICE, "{'m.federate': false}");
    room.member(ALICE, ALICE, "join");
    room.joinRule("public");
    assertAllowed(room.memberEvent("@zed:a.example", "@zed:a.example", "join").authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_federateTrueOrNotBoolean_noRestriction(RoomVersion version) {
    for (String federate : new String[] {"true", "'false'", "0"}) {
      RoomFixture room = RoomFixture.created(version, ALICE, "{'m.federate': " + federate + "}");
      room.member(ALICE, ALICE, "join");
      room.joinRule("public");
      assertAllowed(room.memberEvent(BOB, BOB, "join").authorize());
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_aliasesForOwnDomainByNonMember_allowedOnlyUntilV5(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "public");
    AuthResult result =
        room.stateEvent("m.room.aliases", "b.example").sender(BOB).content("{'aliases': ['#x:b.example']}").authorize();
    if (version.specialCasesAliasesAuth()) {
      assertAllowed(result);
    } else {
      // From v6 m.room.aliases is an ordinary state event: a non-member may not send it.
      assertRejected(result, "6");
    }
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V1", "V2", "V3", "V4", "V5"})
  void authorize_aliasesForOtherDomain_rejectedUntilV5(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "public");
    room.member(BOB, BOB, "join");
    assertRejected(room.stateEvent("m.room.aliases", "a.example").sender(BOB).authorize(), "4.2");
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V1", "V2", "V3", "V4", "V5"})
  void authorize_aliasesWithoutStateKey_rejectedUntilV5(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "public");
    assertRejected(room.event("m.room.aliases").sender(BOB).authorize(), "4.1");
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V6", "V7", "V8", "V9", "V10", "V11", "V12"})
  void authorize_aliasesFromV6_needStateDefaultLevel(RoomVersion version) {
    RoomFixture room = roomWithBob(version);
    assertRejected(room.stateEvent("m.room.aliases", "b.example").sender(BOB).authorize(), "8");
    assertAllowed(room.stateEvent("m.room.aliases", "a.example").sender(ALICE).authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_senderNotJoined_rejected(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "public");
    assertRejected(room.event("m.room.message").sender(BOB).authorize(), "6");
    room.member(ALICE, BOB, "invite");
    assertRejected(room.event("m.room.message").sender(BOB).authorize(), "6");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_thirdPartyInviteEventAtInviteLevel_allowed(RoomVersion version) {
    RoomFixture room = roomWithBob(version);
    assertAllowed(room.stateEvent("m.room.third_party_invite", "tok").sender(BOB).authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_thirdPartyInviteEventBelowInviteLevel_rejected(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "public");
    room.powerLevelsKeepingAlice("'invite': 10");
    room.member(BOB, BOB, "join");
    assertRejected(room.stateEvent("m.room.third_party_invite", "tok").sender(BOB).authorize(), "7.1");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_thirdPartyInviteEvent_decidedBeforeRules8And9(RoomVersion version) {
    // Rule 7 decides first: neither the state_default of 50 (rule 8) nor the @-state_key (rule 9) applies.
    RoomFixture room = roomWithBob(version);
    assertAllowed(room.stateEvent("m.room.third_party_invite", "@bob").sender(BOB).authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_belowEventsDefault_rejected(RoomVersion version) {
    RoomFixture room = roomWithBob(version);
    room.powerLevelsKeepingAlice("'events_default': 1");
    assertRejected(room.event("m.room.message").sender(BOB).authorize(), "8");
    assertAllowed(room.event("m.room.message").sender(ALICE).authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_stateEventBelowStateDefault_rejected(RoomVersion version) {
    RoomFixture room = roomWithBob(version);
    assertRejected(room.stateEvent("m.room.name", "").sender(BOB).content("{'name': 'x'}").authorize(), "8");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_eventsOverride_beatsDefaults(RoomVersion version) {
    RoomFixture room = roomWithBob(version);
    room.powerLevelsKeepingAlice("'events': {'m.room.name': 0, 'm.room.message': 20}");
    assertAllowed(room.stateEvent("m.room.name", "").sender(BOB).authorize());
    assertRejected(room.event("m.room.message").sender(BOB).authorize(), "8");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_noPowerLevelsEvent_creatorMaySendState(RoomVersion version) {
    RoomFixture room = RoomFixture.created(version);
    room.member(ALICE, ALICE, "join");
    room.joinRule("public");
    room.member(BOB, BOB, "join");
    assertAllowed(room.stateEvent("m.room.name", "").sender(ALICE).authorize());
    // state_default is 50 even without a power levels event, and Bob has 0.
    assertRejected(room.stateEvent("m.room.name", "").sender(BOB).authorize(), "8");
    assertAllowed(room.event("m.room.message").sender(BOB).authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_stateKeyIsAnotherUser_rejected(RoomVersion version) {
    RoomFixture room = roomWithBob(version);
    assertRejected(room.stateEvent("m.custom", BOB).sender(ALICE).authorize(), "9");
    assertAllowed(room.stateEvent("m.custom", ALICE).sender(ALICE).authorize());
    assertAllowed(room.stateEvent("m.custom", "not@user").sender(ALICE).authorize());
  }

  private static RoomFixture roomForRedactions(RoomVersion version) {
    RoomFixture room = roomWithBob(version);
    room.member(DAVE, DAVE, "join");
    room.member(CAROL, CAROL, "join");
    return room;
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_redactionBelowRedactLevelOfForeignEvent_rejectedOnlyInV1AndV2(RoomVersion version) {
    RoomFixture room = roomForRedactions(version);
    Pdu carolsMessage = room.event("m.room.message").sender(CAROL).build();
    AuthResult result = room.event("m.room.redaction").sender(BOB).redacts(carolsMessage.eventId()).authorize();
    if (version.hasRedactionAuthRule()) {
      assertRejected(result, "11.3");
    } else {
      assertAllowed(result);
    }
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V1", "V2"})
  void authorize_redactionOfEventWithSameEventIdDomain_allowedInV1AndV2(RoomVersion version) {
    RoomFixture room = roomForRedactions(version);
    // Dave and Bob share b.example, so their events' IDs share that domain.
    Pdu davesMessage = room.event("m.room.message").sender(DAVE).build();
    assertAllowed(room.event("m.room.redaction").sender(BOB).redacts(davesMessage.eventId()).authorize());
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_redactionAtRedactLevel_allowed(RoomVersion version) {
    RoomFixture room = roomForRedactions(version);
    Pdu carolsMessage = room.event("m.room.message").sender(CAROL).build();
    assertAllowed(room.event("m.room.redaction").sender(ALICE).redacts(carolsMessage.eventId()).authorize());
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V1", "V2"})
  void authorize_redactionWithoutRedacts_rejectedInV1AndV2(RoomVersion version) {
    RoomFixture room = roomForRedactions(version);
    assertRejected(room.event("m.room.redaction").sender(BOB).authorize(), "11.3");
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "V11", "V12"})
  void authorize_redactionTypeLevelFromV3_isTheOnlyCheck(RoomVersion version) {
    RoomFixture room = roomForRedactions(version);
    room.powerLevelsKeepingAlice("'events': {'m.room.redaction': 10}");
    assertRejected(room.event("m.room.redaction").sender(BOB).redacts("$x").authorize(), "8");
  }

  @Test
  void authorize_redactLevelNotConsultedFromV3() {
    RoomFixture room = roomForRedactions(RoomVersion.V3);
    room.powerLevels("{'redact': 100, 'users': {'" + ALICE + "': 100}}");
    assertAllowed(room.event("m.room.redaction").sender(BOB).redacts("$anything").authorize());
  }
}
