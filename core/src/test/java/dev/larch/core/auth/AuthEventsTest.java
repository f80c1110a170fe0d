package dev.larch.core.auth;

import static dev.larch.core.auth.AuthAssertions.assertAllowed;
import static dev.larch.core.auth.AuthAssertions.assertRejected;
import static dev.larch.core.auth.RoomFixture.ALICE;
import static dev.larch.core.auth.RoomFixture.BOB;
import static dev.larch.core.auth.RoomFixture.CAROL;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomVersion;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The auth events selection, the checks on an event's auth_events list (v12 rule 3), and v12 rule 2. */
class AuthEventsTest {
  private static final StateKey CREATE = StateKey.of("m.room.create", "");
  private static final StateKey POWER_LEVELS = StateKey.of("m.room.power_levels", "");
  private static final StateKey JOIN_RULES = StateKey.of("m.room.join_rules", "");

  private static Set<StateKey> expected(RoomVersion version, StateKey... slots) {
    Set<StateKey> set = new LinkedHashSet<>();
    if (!version.privilegedCreators()) {
      set.add(CREATE);
    }
    set.addAll(List.of(slots));
    return set;
  }

  private static StateKey member(String user) {
    return StateKey.of("m.room.member", user);
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authEventTypes_createEvent_empty(RoomVersion version) {
    assertEquals(Set.of(), AuthRules.authEventTypes(RoomFixture.created(version).create));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authEventTypes_message_createOnlyBeforeV12PlusPowerLevelsAndSender(RoomVersion version) {
    Pdu message = RoomFixture.created(version).event("m.room.message").sender(BOB).build();
    assertEquals(expected(version, POWER_LEVELS, member(BOB)), AuthRules.authEventTypes(message));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authEventTypes_joinInviteKnock_includeJoinRules(RoomVersion version) {
    RoomFixture room = RoomFixture.created(version);
    for (String membership : List.of("join", "invite", "knock")) {
      Pdu event = room.memberEvent(BOB, CAROL, membership).build();
      assertEquals(
          expected(version, POWER_LEVELS, member(BOB), member(CAROL), JOIN_RULES), AuthRules.authEventTypes(event));
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authEventTypes_leaveAndBan_noJoinRules(RoomVersion version) {
    RoomFixture room = RoomFixture.created(version);
    for (String membership : List.of("leave", "ban")) {
      Pdu event = room.memberEvent(BOB, CAROL, membership).build();
      assertEquals(expected(version, POWER_LEVELS, member(BOB), member(CAROL)), AuthRules.authEventTypes(event));
    }
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authEventTypes_thirdPartyInvite_includesTokenSlot(RoomVersion version) {
    Pdu event =
        RoomFixture.created(version)
            .memberEvent(BOB, CAROL, "invite")
            .content(
                "{'membership': 'invite',"
                    + " 'third_party_invite': {'signed': {'token': 'tok', 'mxid': '" + CAROL + "'}}}")
            .build();
    assertEquals(
        expected(
            version,
            POWER_LEVELS,
            member(BOB),
            member(CAROL),
            JOIN_RULES,
            StateKey.of("m.room.third_party_invite", "tok")),
        AuthRules.authEventTypes(event));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authEventTypes_restrictedJoin_includesAuthoriserFromV8(RoomVersion version) {
    Pdu event =
        RoomFixture.created(version)
            .memberEvent(BOB, BOB, "join")
            .content("{'membership': 'join', 'join_authorised_via_users_server': '" + CAROL + "'}")
            .build();
    Set<StateKey> slots = AuthRules.authEventTypes(event);
    assertEquals(version.supportsRestrictedJoins(), slots.contains(member(CAROL)));
  }

  @Test
  void authEventTypes_authoriserOnLeave_notSelected() {
    Pdu event =
        RoomFixture.created(RoomVersion.V10)
            .memberEvent(BOB, BOB, "leave")
            .content("{'membership': 'leave', 'join_authorised_via_users_server': '" + CAROL + "'}")
            .build();
    assertEquals(expected(RoomVersion.V10, POWER_LEVELS, member(BOB)), AuthRules.authEventTypes(event));
  }

  private static RoomFixture roomWithBobJoined(RoomVersion version) {
    RoomFixture room = RoomFixture.standard(version, "public");
    room.member(BOB, BOB, "join");
    return room;
  }

  private static List<Pdu> authEventsOf(RoomFixture room, Pdu event) {
    return AuthRules.authEventTypes(event).stream().filter(room.state::containsKey).map(room.state::get).toList();
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void checkAuthEvents_selectedEvents_allowed(RoomVersion version) {
    RoomFixture room = roomWithBobJoined(version);
    Pdu message = room.event("m.room.message").sender(BOB).build();
    assertAllowed(AuthRules.checkAuthEvents(message, authEventsOf(room, message)));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void checkAuthEvents_duplicatePair_rejected(RoomVersion version) {
    RoomFixture room = roomWithBobJoined(version);
    Pdu message = room.event("m.room.message").sender(BOB).build();
    Pdu otherPowerLevels = room.stateEvent("m.room.power_levels", "").content("{}").build();
    List<Pdu> authEvents = new java.util.ArrayList<>(authEventsOf(room, message));
    authEvents.add(otherPowerLevels);
    assertRejected(AuthRules.checkAuthEvents(message, authEvents), "3.1");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void checkAuthEvents_unselectedPair_rejected(RoomVersion version) {
    RoomFixture room = roomWithBobJoined(version);
    Pdu message = room.event("m.room.message").sender(BOB).build();
    List<Pdu> authEvents = new java.util.ArrayList<>(authEventsOf(room, message));
    authEvents.add(room.state.get(JOIN_RULES));
    assertRejected(AuthRules.checkAuthEvents(message, authEvents), "3.2");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void checkAuthEvents_nonStateEntry_rejected(RoomVersion version) {
    RoomFixture room = roomWithBobJoined(version);
    Pdu message = room.event("m.room.message").sender(BOB).build();
    List<Pdu> authEvents = new java.util.ArrayList<>(authEventsOf(room, message));
    authEvents.add(room.event("m.room.message").build());
    assertRejected(AuthRules.checkAuthEvents(message, authEvents), "3.2");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void checkAuthEvents_entryFromAnotherRoom_rejected(RoomVersion version) {
    RoomFixture room = roomWithBobJoined(version);
    Pdu message = room.event("m.room.message").sender(BOB).build();
    Pdu foreignPowerLevels =
        room.stateEvent("m.room.power_levels", "").roomId("!elsewhere:a.example").content("{}").build();
    List<Pdu> authEvents = new java.util.ArrayList<>(authEventsOf(room, message));
    authEvents.removeIf(e -> e.type().equals("m.room.power_levels"));
    authEvents.add(foreignPowerLevels);
    assertRejected(AuthRules.checkAuthEvents(message, authEvents), "3.4");
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "V11"})
  void checkAuthEvents_noCreateBeforeV12_rejected(RoomVersion version) {
    RoomFixture room = roomWithBobJoined(version);
    Pdu message = room.event("m.room.message").sender(BOB).build();
    List<Pdu> authEvents = new java.util.ArrayList<>(authEventsOf(room, message));
    authEvents.remove(room.create);
    assertRejected(AuthRules.checkAuthEvents(message, authEvents), "3");
  }

  @Test
  void checkAuthEvents_v12CitesCreate_rejected() {
    RoomFixture room = roomWithBobJoined(RoomVersion.V12);
    Pdu message = room.event("m.room.message").sender(BOB).build();
    List<Pdu> authEvents = new java.util.ArrayList<>(authEventsOf(room, message));
    authEvents.add(room.create);
    assertRejected(AuthRules.checkAuthEvents(message, authEvents), "3.2");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void checkAuthEvents_createEvent_allowed(RoomVersion version) {
    assertAllowed(AuthRules.checkAuthEvents(RoomFixture.created(version).create, List.of()));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorizeWithAuthEvents_selectedEvents_allowed(RoomVersion version) {
    RoomFixture room = roomWithBobJoined(version);
    Pdu message = room.event("m.room.message").sender(BOB).build();
    assertAllowed(AuthRules.authorizeWithAuthEvents(message, authEventsOf(room, message), room.create));
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "V11"})
  void authorizeWithAuthEvents_createNotPassedBeforeV12_takenFromList(RoomVersion version) {
    RoomFixture room = roomWithBobJoined(version);
    Pdu message = room.event("m.room.message").sender(BOB).build();
    assertAllowed(AuthRules.authorizeWithAuthEvents(message, authEventsOf(room, message), null));
  }

  @Test
  void authorizeWithAuthEvents_v12WithoutCreate_rejected() {
    RoomFixture room = roomWithBobJoined(RoomVersion.V12);
    Pdu message = room.event("m.room.message").sender(BOB).build();
    assertRejected(AuthRules.authorizeWithAuthEvents(message, authEventsOf(room, message), null), "3");
  }

  @Test
  void authorizeWithAuthEvents_listRejected_reasonPropagates() {
    RoomFixture room = roomWithBobJoined(RoomVersion.V10);
    Pdu message = room.event("m.room.message").sender(BOB).build();
    List<Pdu> authEvents = new java.util.ArrayList<>(authEventsOf(room, message));
    authEvents.add(room.state.get(JOIN_RULES));
    assertRejected(AuthRules.authorizeWithAuthEvents(message, authEvents, room.create), "3.2");
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorizeWithAuthEvents_createEvent_allowed(RoomVersion version) {
    Pdu create = RoomFixture.created(version).create;
    assertAllowed(AuthRules.authorizeWithAuthEvents(create, List.of(), null));
  }

  @ParameterizedTest
  @EnumSource(RoomVersion.class)
  void authorize_stateWithoutCreate_rejected(RoomVersion version) {
    RoomFixture room = roomWithBobJoined(version);
    Map<StateKey, Pdu> state = new HashMap<>(room.state);
    state.remove(CREATE);
    Pdu message = room.event("m.room.message").sender(BOB).build();
    assertRejected(AuthRules.authorize(message, state), "3");
  }

  @Test
  void authorize_v12RoomIdNotTheCreateEventId_rejected() {
    RoomFixture room = roomWithBobJoined(RoomVersion.V12);
    Pdu message =
        room.event("m.room.message").sender(BOB).roomId("!otherroomhashotherroomhashotherroomhash1234").build();
    assertRejected(AuthRules.authorize(message, room.state), "2");
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V1", "V2", "V3", "V4", "V5", "V6", "V7", "V8", "V9", "V10", "V11"})
  void authorize_roomIdCheckAgainstCreate_onlyFromV12(RoomVersion version) {
    RoomFixture room = roomWithBobJoined(version);
    // Before v12 the room ID is not derived from the create event; the state map decides.
    Pdu message = room.event("m.room.message").sender(ALICE).roomId("!other:a.example").build();
    assertAllowed(AuthRules.authorize(message, room.state));
  }
}
