package dev.larch.core.state;

import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomVersion.StateResAlgorithm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * State resolution v2 (room versions 2–11) and v2.1 (room version 12, MSC4297).
 *
 * <p>Spec: room version 2, "State resolution"; room version 12, "State resolution". The resolution of state maps
 * {<i>S</i><sub>1</sub>, <i>S</i><sub>2</sub>, …}:
 *
 * <ol start="0">
 *   <li>Split the maps into the unconflicted state map and the conflicted state set ({@link StateConflicts}); the
 *       full conflicted set is the conflicted state set, the auth difference ({@link AuthDifference}) and, in v2.1
 *       only, the conflicted state subgraph ({@link ConflictedStateSubgraph}).
 *   <li>Select the power events of the full conflicted set with the events of their auth chains that are in the full
 *       conflicted set, and sort them by the reverse topological power ordering ({@link PowerOrdering}).
 *   <li>Apply the iterative auth checks ({@link IterativeAuthChecks}) to them, starting from the unconflicted state
 *       map (v2) or from an empty map (v2.1), giving the partially resolved state.
 *   <li>Order the remaining events of the full conflicted set by the mainline ordering ({@link MainlineOrdering})
 *       based on the power levels event of the partially resolved state.
 *   <li>Apply the iterative auth checks to them, on top of the partially resolved state.
 *   <li>Replace any event with the unconflicted state map's event for the same key.
 * </ol>
 *
 * <p>Events the {@link EventSource} does not have cannot be checked, so they are left out of the full conflicted set;
 * unconflicted events are copied by ID alone and need not be available.
 */
final class StateResolverV2 {
  private StateResolverV2() {}

  static Map<StateKey, String> resolve(
      List<? extends Map<StateKey, String>> stateSets,
      ResolutionEvents events,
      AuthChainSource authChains,
      StateResAlgorithm algorithm) {
    boolean v21 = algorithm == StateResAlgorithm.V2_1;

    // 0. Unconflicted state map, conflicted state set, full conflicted set.
    StateConflicts conflicts = StateConflicts.v2(stateSets);
    if (conflicts.conflicted().isEmpty()) {
      // Identical maps: identical auth chains, so an empty full conflicted set and nothing to check.
      return new HashMap<>(conflicts.unconflicted());
    }
    SortedSet<String> conflictedEvents = conflicts.conflictedEvents();
    SortedSet<String> fullConflictedSet = new TreeSet<>(conflictedEvents);
    fullConflictedSet.addAll(AuthDifference.beyondConflictedSet(conflicts, authChains, events));
    if (v21) {
      fullConflictedSet.addAll(ConflictedStateSubgraph.of(conflictedEvents, events));
    }
    fullConflictedSet.removeIf(id -> !isAvailableStateEvent(id, events));

    // 1. Power events and their auth chains within the full conflicted set, in reverse topological power order.
    Set<String> powerEvents = PowerOrdering.powerEventsWithAuthChains(fullConflictedSet, events);
    List<String> sortedPowerEvents = PowerOrdering.reverseTopologicalPowerOrdering(powerEvents, events);

    // 2. Iterative auth checks from the unconflicted state map (v2) or from nothing (v2.1).
    Map<StateKey, String> resolved = v21 ? new HashMap<>() : new HashMap<>(conflicts.unconflicted());
    IterativeAuthChecks.apply(resolved, sortedPowerEvents, events);

    // 3. Everything else, in mainline order based on the partially resolved power levels.
    List<String> remaining = new ArrayList<>(fullConflictedSet.size());
    for (String id : fullConflictedSet) {
      if (!powerEvents.contains(id)) {
        remaining.add(id);
      }
    }
    String powerLevelsId = resolved.get(ResolutionEvents.POWER_LEVELS);
    Pdu powerLevels = powerLevelsId == null ? null : events.get(powerLevelsId);
    List<String> sortedRemaining = MainlineOrdering.sort(remaining, powerLevels, events);

    // 4. Iterative auth checks on top of the partially resolved state.
    IterativeAuthChecks.apply(resolved, sortedRemaining, events);

    // 5. The unconflicted state map has the last word.
    resolved.putAll(conflicts.unconflicted());
    return resolved;
  }

  private static boolean isAvailableStateEvent(String id, ResolutionEvents events) {
    Pdu pdu = events.get(id);
    return pdu != null && pdu.isState();
  }
}
