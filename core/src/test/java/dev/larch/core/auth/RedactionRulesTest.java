package dev.larch.core.auth;

import static dev.larch.core.auth.RoomFixture.ALICE;
import static dev.larch.core.auth.RoomFixture.BOB;
import static dev.larch.core.auth.RoomFixture.CAROL;
import static dev.larch.core.auth.RoomFixture.DAVE;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.event.Pdu;
import dev.larch.core.room.RoomVersion;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** "Handling redactions" (v3+) and its v1–2 counterpart: whether an accepted redaction is applied. */
class RedactionRulesTest {
  private static RoomFixture room(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "public");
    for (String user : new String[] {BOB, CAROL, DAVE}) {
      room.member(user, user, "join");
    }
    return room;
  }

  private static boolean mayApply(RoomFixture room, String redactor, Pdu original) {
    Pdu redaction = room.event("m.room.redaction").sender(redactor).redacts(original.eventId()).build();
    return RedactionRules.mayApply(redaction, original, PowerLevels.fromState(room.version, room.state));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void mayApply_senderAtRedactLevel_true(RoomVersion version) {
    RoomFixture room = room(version);
    assertTrue(mayApply(room, ALICE, room.event("m.room.message").sender(CAROL).build()));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void mayApply_ownEvent_true(RoomVersion version) {
    RoomFixture room = room(version);
    assertTrue(mayApply(room, CAROL, room.event("m.room.message").sender(CAROL).build()));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void mayApply_sameServerBelowRedactLevel_true(RoomVersion version) {
    // Bob and Dave share b.example: by sender domain from v3, by event ID domain in v1–2.
    RoomFixture room = room(version);
    assertTrue(mayApply(room, BOB, room.event("m.room.message").sender(DAVE).build()));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void mayApply_otherServerBelowRedactLevel_false(RoomVersion version) {
    RoomFixture room = room(version);
    assertFalse(mayApply(room, BOB, room.event("m.room.message").sender(CAROL).build()));
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V3", "V4", "V10", "V11", "V12"})
  void mayApply_fromV3_comparesSendersNotEventIds(RoomVersion version) {
    RoomFixture room = room(version);
    // Event IDs carry no domain from v3, so only the senders' domains can match.
    Pdu original = room.event("m.room.message").sender(DAVE).id("$x:c.example").build();
    assertTrue(mayApply(room, BOB, original));
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V1", "V2"})
  void mayApply_v1AndV2_compareEventIdDomains(RoomVersion version) {
    RoomFixture room = room(version);
    // Dave (b.example) sent it, but the event ID was minted by c.example.
    Pdu original = room.event("m.room.message").sender(DAVE).id("$x:c.example").build();
    assertFalse(mayApply(room, BOB, original));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void mayApply_redactsAnotherEvent_false(RoomVersion version) {
    RoomFixture room = room(version);
    Pdu original = room.event("m.room.message").sender(CAROL).build();
    Pdu redaction = room.event("m.room.redaction").sender(ALICE).redacts("$something-else").build();
    assertFalse(RedactionRules.mayApply(redaction, original, PowerLevels.fromState(version, room.state)));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void mayApply_eventInAnotherRoom_false(RoomVersion version) {
    RoomFixture room = room(version);
    Pdu original = room.event("m.room.message").sender(CAROL).roomId("!elsewhere:c.example").build();
    assertFalse(mayApply(room, ALICE, original));
  }
}
