package dev.larch.core.state;

import dev.larch.core.event.Pdu;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The auth difference of some state maps: the events in the full auth chain of some map but not of all.
 *
 * <p>Spec: room versions, state resolution v2, "Auth difference": with <i>C<sub>i</sub></i> the full auth chain of
 * state map <i>S<sub>i</sub></i>, the auth difference is ∪ <i>C<sub>i</sub></i> − ∩ <i>C<sub>i</sub></i>.
 *
 * <p>Implementation notes.
 *
 * <ul>
 *   <li>The full auth chain of a map is taken to contain the map's own events as well as their auth chains, as
 *       deployed servers compute it. Read strictly (auth chains only), an unconflicted event cited by only some
 *       maps' events would land in the difference and be applied again by the iterative auth checks.
 *   <li>The unconflicted part is factored out. Let <i>U</i> be the unconflicted events (present in every map), so
 *       <i>A</i> = <i>U</i> ∪ chain(<i>U</i>) is in every <i>C<sub>i</sub></i>. Let <i>B<sub>i</sub></i> be the
 *       map's conflicted events and their chain. Then ∪ <i>C<sub>i</sub></i> − ∩ <i>C<sub>i</sub></i> =
 *       (∪ <i>B<sub>i</sub></i> − ∩ <i>B<sub>i</sub></i>) − <i>A</i>. The conflicted events are usually a small
 *       part of each map, so the walks per map stay small.
 *   <li>The answer only feeds the full conflicted set, which holds the conflicted state set anyway, so conflicted
 *       events are left out of it. Candidates in <i>U</i> are dropped by looking at their own slot. Only if
 *       candidates remain is chain(<i>U</i>), the one large walk, asked for.
 * </ul>
 */
final class AuthDifference {
  private AuthDifference() {}

  /**
   * The auth difference of the maps split into {@code conflicts}, less the conflicted state set's own events (which
   * the full conflicted set contains anyway), sorted by event ID.
   */
  static SortedSet<String> beyondConflictedSet(
      StateConflicts conflicts, AuthChainSource authChains, ResolutionEvents events) {
    List<List<String>> conflictedBySet = conflicts.conflictedBySet();
    int sets = conflictedBySet.size();
    // Count, for each event, the B_i it is in; fewer than all makes it a candidate.
    Map<String, Integer> counts = new HashMap<>();
    for (List<String> conflictedHere : conflictedBySet) {
      Set<String> chain = new HashSet<>(authChains.authChain(conflictedHere));
      chain.addAll(conflictedHere);
      for (String id : chain) {
        counts.merge(id, 1, Integer::sum);
      }
    }
    Set<String> conflictedEvents = conflicts.conflictedEvents();
    SortedSet<String> difference = new TreeSet<>();
    for (Map.Entry<String, Integer> entry : counts.entrySet()) {
      String id = entry.getKey();
      if (entry.getValue() < sets && !conflictedEvents.contains(id) && !isUnconflicted(id, conflicts, events)) {
        difference.add(id);
      }
    }
    if (!difference.isEmpty()) {
      // Remove chain(U): those events are in every full auth chain.
      Collection<String> unconflicted = conflicts.unconflicted().values();
      difference.removeAll(authChains.authChain(unconflicted));
    }
    return difference;
  }

  // Whether the event is the unconflicted state map's event for its own slot.
  private static boolean isUnconflicted(String id, StateConflicts conflicts, ResolutionEvents events) {
    Pdu pdu = events.get(id);
    return pdu != null && pdu.isState() && id.equals(conflicts.unconflicted().get(pdu.stateSlot().get()));
  }
}
