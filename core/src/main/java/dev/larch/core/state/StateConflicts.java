package dev.larch.core.state;

import dev.larch.core.event.StateKey;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The unconflicted state map and the conflicted state set of some state maps.
 *
 * <p>Spec: room versions, state resolution v2, "Unconflicted state map and conflicted state set"; room version 1,
 * "State resolution" (where a conflict is only a disagreement between the maps that hold the key).
 *
 * @param unconflicted the key → event ID pairs every map agrees on
 * @param conflicted per conflicted key, the distinct event IDs the maps give it, sorted so that nothing downstream
 *     depends on the order of the maps or of their entries
 * @param conflictedBySet for each map, in the order given, the event IDs it holds for conflicted keys
 */
record StateConflicts(
    Map<StateKey, String> unconflicted,
    SortedMap<StateKey, SortedSet<String>> conflicted,
    List<List<String>> conflictedBySet) {

  /**
   * Splits for state resolution v2 and v2.1: a key is unconflicted only if it is present in every map with the same
   * value; a key missing from some map is conflicted.
   */
  static StateConflicts v2(List<? extends Map<StateKey, String>> stateSets) {
    return split(stateSets, true);
  }

  /**
   * Splits for state resolution v1: a conflict occurs only where maps give different event IDs for the same key, so
   * a key that some maps lack but the others agree on is unconflicted ("the union of the states ... excluding any
   * conflicting events").
   */
  static StateConflicts v1(List<? extends Map<StateKey, String>> stateSets) {
    return split(stateSets, false);
  }

  /** Every event ID of the conflicted state set, sorted. */
  SortedSet<String> conflictedEvents() {
    SortedSet<String> events = new TreeSet<>();
    for (SortedSet<String> ids : conflicted.values()) {
      events.addAll(ids);
    }
    return events;
  }

  private static StateConflicts split(List<? extends Map<StateKey, String>> stateSets, boolean missingConflicts) {
    int sets = stateSets.size();
    Map<StateKey, String> unconflicted = new HashMap<>();
    SortedMap<StateKey, SortedSet<String>> conflicted = new TreeMap<>();
    List<List<String>> bySet = new ArrayList<>(sets);
    for (int i = 0; i < sets; i++) {
      bySet.add(new ArrayList<>());
    }
    if (sets == 0) {
      return new StateConflicts(unconflicted, conflicted, bySet);
    }
    // The first map's keys are the only candidates for "present everywhere"; keys it lacks are found later.
    Map<StateKey, String> first = stateSets.get(0);
    for (Map.Entry<StateKey, String> entry : first.entrySet()) {
      StateKey key = entry.getKey();
      String value = entry.getValue();
      boolean agreed = true;
      for (int i = 1; i < sets && agreed; i++) {
        String other = stateSets.get(i).get(key);
        agreed = other == null ? !missingConflicts : other.equals(value);
      }
      if (agreed) {
        unconflicted.put(key, value);
      } else {
        conflicted.put(key, valuesOf(key, stateSets, bySet));
      }
    }
    for (int i = 1; i < sets; i++) {
      for (StateKey key : stateSets.get(i).keySet()) {
        if (first.containsKey(key) || unconflicted.containsKey(key) || conflicted.containsKey(key)) {
          continue;
        }
        if (missingConflicts) {
          conflicted.put(key, valuesOf(key, stateSets, bySet));
        } else {
          SortedSet<String> values = valuesOf(key, stateSets, null);
          if (values.size() == 1) {
            unconflicted.put(key, values.first());
          } else {
            conflicted.put(key, valuesOf(key, stateSets, bySet));
          }
        }
      }
    }
    return new StateConflicts(unconflicted, Collections.unmodifiableSortedMap(conflicted), bySet);
  }

  // The distinct values of a key across the maps; with bySet, also files each value under the map holding it.
  private static SortedSet<String> valuesOf(
      StateKey key, List<? extends Map<StateKey, String>> stateSets, List<List<String>> bySet) {
    SortedSet<String> values = new TreeSet<>();
    for (int i = 0; i < stateSets.size(); i++) {
      String value = stateSets.get(i).get(key);
      if (value != null) {
        values.add(value);
        if (bySet != null) {
          bySet.get(i).add(value);
        }
      }
    }
    return values;
  }
}
