package dev.larch.core.state;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The conflicted state subgraph: the events on some {@code auth_events} path from one event of the conflicted state
 * set to another, endpoints included (room version 12).
 *
 * <p>Spec: room version 12, state resolution, "Conflicted state subgraph" (MSC4297).
 *
 * <p>Implementation notes. An event <i>X</i> is on such a path exactly when it is reachable from a conflicted event
 * (it is in that event's auth chain, or is that event) and a conflicted event is reachable from it, with at least
 * one step in all. One depth-first walk from the conflicted events over their auth chains answers both: the walk
 * itself finds what is reachable, and on the way back each event learns whether a conflicted event lies below it
 * (memoised, so each event and edge is handled once). The walk uses an explicit stack because auth chains can be
 * far deeper than the Java stack.
 */
final class ConflictedStateSubgraph {
  private ConflictedStateSubgraph() {}

  /** The conflicted state subgraph of {@code conflictedEvents}, sorted by event ID. */
  static SortedSet<String> of(Set<String> conflictedEvents, ResolutionEvents events) {
    // For each visited event: whether some conflicted event is strictly below it.
    Map<String, Boolean> reachesConflicted = new HashMap<>();
    Set<String> belowConflicted = new HashSet<>();
    for (String start : new TreeSet<>(conflictedEvents)) {
      walk(start, conflictedEvents, events, reachesConflicted, belowConflicted);
    }
    SortedSet<String> subgraph = new TreeSet<>();
    for (Map.Entry<String, Boolean> entry : reachesConflicted.entrySet()) {
      String id = entry.getKey();
      boolean from = conflictedEvents.contains(id) || belowConflicted.contains(id);
      boolean to = conflictedEvents.contains(id) || entry.getValue();
      // A lone conflicted event is a path of length zero: it joins only if it reaches or is reached by another.
      boolean nonTrivial = entry.getValue() || belowConflicted.contains(id);
      if (from && to && nonTrivial) {
        subgraph.add(id);
      }
    }
    return subgraph;
  }

  private static void walk(
      String start,
      Set<String> conflicted,
      ResolutionEvents events,
      Map<String, Boolean> reachesConflicted,
      Set<String> belowConflicted) {
    if (reachesConflicted.containsKey(start)) {
      return;
    }
    Deque<String> stack = new ArrayDeque<>();
    Set<String> open = new HashSet<>();
    stack.push(start);
    while (!stack.isEmpty()) {
      String id = stack.peek();
      if (reachesConflicted.containsKey(id)) {
        stack.pop();
        continue;
      }
      List<String> authIds = events.authEventIds(id);
      if (open.add(id)) {
        // First visit: descend into the auth events not yet settled; come back to this event afterwards.
        for (String authId : authIds) {
          belowConflicted.add(authId);
          if (!reachesConflicted.containsKey(authId) && !open.contains(authId)) {
            stack.push(authId);
          }
        }
        continue;
      }
      // Second visit: every auth event is settled (or is on the open path, which only a cycle allows).
      boolean reaches = false;
      for (String authId : authIds) {
        if (conflicted.contains(authId) || Boolean.TRUE.equals(reachesConflicted.get(authId))) {
          reaches = true;
          break;
        }
      }
      reachesConflicted.put(id, reaches);
      open.remove(id);
      stack.pop();
    }
  }
}
