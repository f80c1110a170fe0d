package dev.larch.core.state;

import dev.larch.core.event.Pdu;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SortedSet;

/**
 * Power events, step 1's selection of them with their auth chains, and the reverse topological power ordering.
 *
 * <p>Spec: room versions, state resolution v2, "Power events", "Reverse topological power ordering" and step 1 of
 * "Algorithm" (worded as in room version 12, which v2 implementations already follow: the auth chains are cut down
 * to events of the full conflicted set).
 */
final class PowerOrdering {
  private PowerOrdering() {}

  /**
   * A power event is a state event of type {@code m.room.power_levels} or {@code m.room.join_rules}, or an
   * {@code m.room.member} event whose membership is {@code leave} or {@code ban} and whose sender is not its state
   * key (a kick or a ban): events that might take an ability away from someone. The create event is not one: it is
   * never conflicted, and from room version 12 it is not even an auth event.
   */
  static boolean isPowerEvent(Pdu event) {
    String stateKey = event.stateKey();
    if (stateKey == null) {
      return false;
    }
    String type = event.type();
    if ("m.room.power_levels".equals(type) || "m.room.join_rules".equals(type)) {
      return stateKey.isEmpty();
    }
    if ("m.room.member".equals(type)) {
      String membership = event.membership();
      return ("leave".equals(membership) || "ban".equals(membership)) && !stateKey.equals(event.sender());
    }
    return false;
  }

  /**
   * Step 1's set <i>X</i>: the power events of the full conflicted set, enlarged by the events of their auth chains
   * that belong to the full conflicted set. The walk goes through full-conflicted-set events only: an event outside
   * it is in every full auth chain, and so is everything below it (for v2.1 the conflicted state subgraph makes this
   * exactly the spec's set; for v2 it is what deployed servers compute).
   */
  static Set<String> powerEventsWithAuthChains(SortedSet<String> fullConflictedSet, ResolutionEvents events) {
    Set<String> selected = new LinkedHashSet<>();
    Deque<String> pending = new ArrayDeque<>();
    for (String id : fullConflictedSet) {
      Pdu pdu = events.get(id);
      if (pdu != null && isPowerEvent(pdu) && selected.add(id)) {
        pending.push(id);
      }
    }
    while (!pending.isEmpty()) {
      for (String authId : events.authEventIds(pending.pop())) {
        if (fullConflictedSet.contains(authId) && selected.add(authId)) {
          pending.push(authId);
        }
      }
    }
    return selected;
  }

  /**
   * The reverse topological power ordering of {@code ids}: Kahn's algorithm over the DAG their {@code auth_events}
   * form, taking at each step the smallest ready event, where <i>x</i> &lt; <i>y</i> if (1) <i>x</i>'s sender has the
   * greater power level, else (2) <i>x</i>'s {@code origin_server_ts} is less, else (3) <i>x</i>'s event ID is less.
   * Earliest event first. Every event must be available from {@code events}.
   */
  static List<String> reverseTopologicalPowerOrdering(Collection<String> ids, ResolutionEvents events) {
    int n = ids.size();
    String[] eventIds = ids.toArray(new String[0]);
    Map<String, Integer> index = new HashMap<>(n * 2);
    for (int i = 0; i < n; i++) {
      index.put(eventIds[i], i);
    }
    // The sort keys, computed once: the comparator runs O(n log n) times.
    long[] power = new long[n];
    long[] timestamp = new long[n];
    for (int i = 0; i < n; i++) {
      Pdu pdu = events.get(eventIds[i]);
      power[i] = SenderPowerLevel.of(pdu, events);
      timestamp[i] = pdu.originServerTs();
    }
    Comparator<Integer> order =
        (a, b) -> {
          int byPower = Long.compare(power[b], power[a]); // greater power first
          if (byPower != 0) {
            return byPower;
          }
          int byTimestamp = Long.compare(timestamp[a], timestamp[b]);
          return byTimestamp != 0 ? byTimestamp : eventIds[a].compareTo(eventIds[b]);
        };

    // Edges point from an auth event to the events citing it; an event is ready once all its auth events are out.
    int[] waitingOn = new int[n];
    List<List<Integer>> citedBy = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      citedBy.add(new ArrayList<>(2));
    }
    for (int i = 0; i < n; i++) {
      for (String authId : new LinkedHashSet<>(events.authEventIds(eventIds[i]))) {
        Integer auth = index.get(authId);
        if (auth != null && auth != i) {
          waitingOn[i]++;
          citedBy.get(auth).add(i);
        }
      }
    }
    PriorityQueue<Integer> ready = new PriorityQueue<>(Math.max(1, n), order);
    for (int i = 0; i < n; i++) {
      if (waitingOn[i] == 0) {
        ready.add(i);
      }
    }
    List<String> sorted = new ArrayList<>(n);
    boolean[] done = new boolean[n];
    while (!ready.isEmpty()) {
      int next = ready.poll();
      done[next] = true;
      sorted.add(eventIds[next]);
      for (int citing : citedBy.get(next)) {
        if (--waitingOn[citing] == 0) {
          ready.add(citing);
        }
      }
    }
    if (sorted.size() < n) {
      // Only a cycle of auth events (impossible with hashed event IDs, forgeable in room versions 1-2) gets here:
      // keep the output total and deterministic by appending the rest in comparison order.
      Integer[] rest = new Integer[n - sorted.size()];
      int r = 0;
      for (int i = 0; i < n; i++) {
        if (!done[i]) {
          rest[r++] = i;
        }
      }
      Arrays.sort(rest, order);
      for (int i : rest) {
        sorted.add(eventIds[i]);
      }
    }
    return sorted;
  }
}
