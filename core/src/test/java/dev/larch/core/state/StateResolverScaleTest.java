package dev.larch.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomVersion;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Resolution of a room of the benchmark's size ({@link GeneratedRoom}) gives the right state. The speed of it is
 * the business of {@code bench}'s {@code StateResolutionBench}, not of this test.
 */
class StateResolverScaleTest {
  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10", "V12"})
  void resolve_tenThousandEntriesThousandConflicts_demotionBeatsKick(RoomVersion version) {
    GeneratedRoom room = new GeneratedRoom(version);
    EventSource events = EventSource.of(room.events);

    Map<StateKey, String> resolved =
        StateResolver.resolve(
            version, List.of(room.branchA, room.branchB), events, AuthChainSource.walking(events));

    assertTrue(room.branchA.size() >= 10_000, "entries " + room.branchA.size());
    assertEquals(1_000, room.conflicted);
    // Alice's demotion of bob is a power event with more power than bob's kick: the kick loses.
    assertEquals(room.demotion, resolved.get(ResolutionEvents.POWER_LEVELS));
    assertEquals(room.memberJoin.get(0), resolved.get(StateKey.of("m.room.member", GeneratedRoom.member(0))));
    // Every renamed member ends on one of the two branches' names, never on the shared-history join.
    for (int i = 1; i <= GeneratedRoom.CHANGED_MEMBERS; i++) {
      StateKey slot = StateKey.of("m.room.member", GeneratedRoom.member(i));
      String winner = resolved.get(slot);
      assertTrue(
          winner.equals(room.branchA.get(slot)) || winner.equals(room.branchB.get(slot)), "member " + i);
    }
    assertEquals(room.branchA.size(), resolved.size());
  }
}
