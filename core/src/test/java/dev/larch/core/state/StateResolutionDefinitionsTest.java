package dev.larch.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The definitions of state resolution v2, one at a time, on hand-built auth DAGs; none of them needs the
 * authorization rules. Spec: room versions 2 and 12, "State resolution", "Definitions".
 */
class StateResolutionDefinitionsTest {
  private static final String ALICE = "@alice:x";
  private static final String BOB = "@bob:x";
  private static final StateKey TOPIC = StateKey.of("m.room.topic", "");

  private final TestPdus v10 = new TestPdus(RoomVersion.V10, "!r:x");

  @Test
  void conflicts_v2_whenKeyMissingFromOneMap_isConflicted() {
    StateConflicts split =
        StateConflicts.v2(
            List.of(Map.of(TOPIC, "$t", key("a"), "$a"), Map.of(key("a"), "$a", key("b"), "$b")));
    assertEquals(Map.of(key("a"), "$a"), split.unconflicted());
    assertEquals(Set.of(TOPIC, key("b")), split.conflicted().keySet());
  }

  @Test
  void conflicts_v1_whenKeyMissingFromOneMap_isUnconflicted() {
    StateConflicts split =
        StateConflicts.v1(
            List.of(
                Map.of(TOPIC, "$t", key("a"), "$a1"),
                Map.of(key("a"), "$a2", key("b"), "$b"),
                Map.of(key("b"), "$b")));
    assertEquals(Map.of(TOPIC, "$t", key("b"), "$b"), split.unconflicted());
    assertEquals(Map.of(key("a"), new TreeSet<>(List.of("$a1", "$a2"))), split.conflicted());
  }

  @Test
  void walkingAuthChain_excludesStartUnlessReached_andReadsEachEventOnce() {
    Map<String, Pdu> pdus =
        byId(
            v10.state("$c", "m.room.create", "", ALICE).build(),
            v10.state("$j", "m.room.member", ALICE, ALICE).auth("$c").build(),
            v10.state("$p", "m.room.power_levels", "", ALICE).auth("$c", "$j").build(),
            v10.state("$t", "m.room.topic", "", ALICE).auth("$c", "$j", "$p", "$missing").build());
    AtomicInteger reads = new AtomicInteger();
    AuthChainSource chains =
        AuthChainSource.walking(
            id -> {
              reads.incrementAndGet();
              return Optional.ofNullable(pdus.get(id));
            });
    assertEquals(Set.of("$c", "$j", "$p", "$missing"), chains.authChain(List.of("$t")));
    assertEquals(Set.of("$c", "$j"), chains.authChain(List.of("$p", "$j")));
    int afterTwo = reads.get();
    chains.authChain(List.of("$t", "$p"));
    // Only the missing event is asked for again: it may arrive later.
    assertEquals(afterTwo + 1, reads.get());
  }

  @Test
  void authDifference_isUnionMinusIntersectionOfFullAuthChains() {
    Room room = new Room();
    // Two topics on branches after different power levels; the older power levels is common ground.
    room.add(v10.state("$p2", "m.room.power_levels", "", ALICE).auth("$c", "$j", "$p1"));
    room.add(v10.state("$t1", "m.room.topic", "", ALICE).auth("$c", "$j", "$p1"));
    room.add(v10.state("$t2", "m.room.topic", "", ALICE).auth("$c", "$j", "$p2"));
    List<Map<StateKey, String>> sets =
        List.of(
            Map.of(TOPIC, "$t1", ResolutionEvents.POWER_LEVELS, "$p1", key(ALICE), "$j"),
            Map.of(TOPIC, "$t2", ResolutionEvents.POWER_LEVELS, "$p2", key(ALICE), "$j"));
    StateConflicts split = StateConflicts.v2(sets);
    SortedSet<String> difference =
        AuthDifference.beyondConflictedSet(
            split, AuthChainSource.walking(room.source()), new ResolutionEvents(RoomVersion.V10, room.source()));
    // $p1 is in both full chains ($t2 -> $p2 -> $p1), $p2 only in the second, the topics each in one; all three
    // are conflicted, so nothing lies beyond the conflicted set.
    assertEquals(new TreeSet<>(), difference);
    // A second topic on top of the first branch: $t1 is now only in that branch's chain and in no map.
    room.add(v10.state("$t3", "m.room.topic", "", ALICE).auth("$c", "$j", "$p1", "$t1"));
    List<Map<StateKey, String>> later =
        List.of(
            Map.of(TOPIC, "$t3", ResolutionEvents.POWER_LEVELS, "$p1", key(ALICE), "$j"),
            Map.of(TOPIC, "$t2", ResolutionEvents.POWER_LEVELS, "$p2", key(ALICE), "$j"));
    assertEquals(
        new TreeSet<>(List.of("$t1")),
        AuthDifference.beyondConflictedSet(
            StateConflicts.v2(later),
            AuthChainSource.walking(room.source()),
            new ResolutionEvents(RoomVersion.V10, room.source())));
  }

  @Test
  void conflictedStateSubgraph_keepsOnlyEventsBetweenConflictedEvents() {
    Room room = new Room();
    room.add(v10.state("$p2", "m.room.power_levels", "", ALICE).auth("$c", "$j", "$p1"));
    room.add(v10.state("$p3", "m.room.power_levels", "", ALICE).auth("$c", "$j", "$p2"));
    room.add(v10.state("$p4", "m.room.power_levels", "", ALICE).auth("$c", "$j", "$p3"));
    // $p1 and $p4 conflicted: $p2 and $p3 lie between them; $c and $j lie below both and are left out.
    SortedSet<String> subgraph =
        ConflictedStateSubgraph.of(Set.of("$p1", "$p4"), new ResolutionEvents(RoomVersion.V10, room.source()));
    assertEquals(new TreeSet<>(List.of("$p1", "$p2", "$p3", "$p4")), subgraph);
    SortedSet<String> unrelated =
        ConflictedStateSubgraph.of(Set.of("$p2", "$j2"), new ResolutionEvents(RoomVersion.V10, room.source()));
    assertTrue(unrelated.isEmpty(), unrelated.toString());
  }

  @Test
  void powerEvents_areJoinRulesPowerLevelsKicksAndBans() {
    assertTrue(PowerOrdering.isPowerEvent(v10.state("$1", "m.room.join_rules", "", ALICE).build()));
    assertTrue(PowerOrdering.isPowerEvent(v10.state("$2", "m.room.power_levels", "", ALICE).build()));
    assertTrue(PowerOrdering.isPowerEvent(member("$3", ALICE, BOB, "ban")));
    assertTrue(PowerOrdering.isPowerEvent(member("$4", ALICE, BOB, "leave")));
    assertFalse(PowerOrdering.isPowerEvent(member("$5", BOB, BOB, "leave")));
    assertFalse(PowerOrdering.isPowerEvent(member("$6", ALICE, BOB, "invite")));
    assertFalse(PowerOrdering.isPowerEvent(v10.state("$7", "m.room.topic", "", ALICE).build()));
  }

  @Test
  void reverseTopologicalPowerOrdering_ordersByPowerThenTimestampThenId_afterAuthEvents() {
    Room room = new Room();
    room.add(
        v10.state("$p1", "m.room.power_levels", "", ALICE)
            .auth("$c", "$j")
            .content(Map.of("users", Map.of(ALICE, 100, BOB, 50))));
    // Bob (50) before nobody; alice (100) first among ready events; ties by timestamp then ID.
    room.add(v10.state("$bob", "m.room.join_rules", "", BOB).ts(1).auth("$c", "$p1"));
    room.add(v10.state("$zz", "m.room.join_rules", "", ALICE).ts(5).auth("$c", "$p1"));
    room.add(v10.state("$aa", "m.room.join_rules", "", ALICE).ts(5).auth("$c", "$p1"));
    room.add(v10.state("$early", "m.room.join_rules", "", ALICE).ts(3).auth("$c", "$p1"));
    // Cites bob's event, so comes after it despite alice's power.
    room.add(v10.state("$after-bob", "m.room.join_rules", "", ALICE).ts(0).auth("$c", "$p1", "$bob"));
    List<String> ids = new ArrayList<>(List.of("$zz", "$after-bob", "$bob", "$aa", "$p1", "$early"));
    List<String> sorted =
        PowerOrdering.reverseTopologicalPowerOrdering(ids, new ResolutionEvents(RoomVersion.V10, room.source()));
    assertEquals(List.of("$p1", "$early", "$aa", "$zz", "$bob", "$after-bob"), sorted);
  }

  @Test
  void senderPowerLevel_readsCitedPowerLevels_creatorDefaults_andStringyValues() {
    Room room = new Room();
    room.add(
        new TestPdus(RoomVersion.V5, "!r:x")
            .state("$p-str", "m.room.power_levels", "", ALICE)
            .auth("$c")
            .content(Map.of("users", Map.of(BOB, " +75 "), "users_default", "5")));
    room.add(new TestPdus(RoomVersion.V5, "!r:x").state("$bob", "m.room.topic", "", BOB).auth("$c", "$p-str"));
    room.add(new TestPdus(RoomVersion.V5, "!r:x").state("$eve", "m.room.topic", "", "@eve:x").auth("$p-str"));
    room.add(new TestPdus(RoomVersion.V5, "!r:x").state("$alice", "m.room.topic", "", ALICE).auth("$c"));
    ResolutionEvents events = new ResolutionEvents(RoomVersion.V5, room.source());
    assertEquals(75, SenderPowerLevel.of(events.get("$bob"), events));
    assertEquals(5, SenderPowerLevel.of(events.get("$eve"), events));
    // No power levels cited: the creator (content.creator before room version 11) has 100.
    assertEquals(100, SenderPowerLevel.of(events.get("$alice"), events));
  }

  @Test
  void senderPowerLevel_v12Creators_outrankEveryInteger() {
    TestPdus v12 = new TestPdus(RoomVersion.V12, "!create");
    Room room = new Room();
    room.add(
        v12.state("$create", "m.room.create", "", ALICE)
            .content(Map.of("room_version", "12", "additional_creators", List.of("@carol:x"))));
    room.add(
        v12.state("$p", "m.room.power_levels", "", ALICE)
            .content(Map.of("users", Map.of(BOB, 9007199254740991L))));
    room.add(v12.state("$a", "m.room.join_rules", "", ALICE).auth("$p"));
    room.add(v12.state("$b", "m.room.join_rules", "", BOB).auth("$p"));
    room.add(v12.state("$k", "m.room.join_rules", "", "@carol:x").ts(9).auth("$p"));
    ResolutionEvents events = new ResolutionEvents(RoomVersion.V12, room.source());
    assertEquals(SenderPowerLevel.CREATOR, SenderPowerLevel.of(events.get("$a"), events));
    assertEquals(SenderPowerLevel.CREATOR, SenderPowerLevel.of(events.get("$k"), events));
    assertEquals(
        List.of("$a", "$k", "$b"), PowerOrdering.reverseTopologicalPowerOrdering(List.of("$b", "$k", "$a"), events));
  }

  @Test
  void mainlineOrdering_putsEventsOnOlderPowerLevelsFirst_thenTimestamp_thenId() {
    Room room = new Room();
    room.add(v10.state("$p2", "m.room.power_levels", "", ALICE).auth("$c", "$j", "$p1"));
    room.add(v10.state("$p3", "m.room.power_levels", "", ALICE).auth("$c", "$j", "$p2"));
    room.add(v10.state("$side", "m.room.power_levels", "", ALICE).auth("$c", "$j", "$p2"));
    room.add(v10.state("$on-p3", "m.room.topic", "", ALICE).ts(1).auth("$c", "$j", "$p3"));
    room.add(v10.state("$on-p1", "m.room.topic", "", ALICE).ts(9).auth("$c", "$j", "$p1"));
    room.add(v10.state("$on-side-b", "m.room.topic", "", ALICE).ts(5).auth("$c", "$j", "$side"));
    room.add(v10.state("$on-side-a", "m.room.topic", "", ALICE).ts(5).auth("$c", "$j", "$side"));
    room.add(v10.state("$no-pl", "m.room.topic", "", ALICE).ts(7).auth("$c", "$j"));
    ResolutionEvents events = new ResolutionEvents(RoomVersion.V10, room.source());
    List<String> sorted =
        MainlineOrdering.sort(
            List.of("$on-p3", "$on-side-b", "$no-pl", "$on-p1", "$on-side-a"), events.get("$p3"), events);
    // Positions: $no-pl ∞, $on-p1 2, the $side events 1 (via $p2), $on-p3 0.
    assertEquals(List.of("$no-pl", "$on-p1", "$on-side-a", "$on-side-b", "$on-p3"), sorted);
  }

  private Pdu member(String id, String sender, String target, String membership) {
    return v10.state(id, "m.room.member", target, sender).content(Map.of("membership", membership)).build();
  }

  private static StateKey key(String user) {
    return StateKey.of("m.room.member", user);
  }

  private static Map<String, Pdu> byId(Pdu... pdus) {
    Map<String, Pdu> map = new java.util.HashMap<>();
    for (Pdu pdu : pdus) {
      map.put(pdu.eventId(), pdu);
    }
    return map;
  }

  /** A room with a create event, alice's join and a first power levels event, plus whatever a test adds. */
  private final class Room {
    private final Map<String, Pdu> pdus = new java.util.HashMap<>();

    Room() {
      add(v10.state("$c", "m.room.create", "", ALICE).content(Map.of("creator", ALICE)));
      add(v10.state("$j", "m.room.member", ALICE, ALICE).auth("$c").content(Map.of("membership", "join")));
      add(v10.state("$j2", "m.room.member", BOB, BOB).auth("$c").content(Map.of("membership", "join")));
      add(v10.state("$p1", "m.room.power_levels", "", ALICE).auth("$c", "$j"));
    }

    void add(TestPdus.Builder builder) {
      Pdu pdu = builder.build();
      pdus.put(pdu.eventId(), pdu);
    }

    EventSource source() {
      return EventSource.of(pdus);
    }
  }
}
