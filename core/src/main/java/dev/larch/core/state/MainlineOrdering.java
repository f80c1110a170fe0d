package dev.larch.core.state;

import dev.larch.core.event.Pdu;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The mainline ordering of events based on a power levels event.
 *
 * <p>Spec: room versions, state resolution v2, "Mainline ordering". The mainline of <i>P</i><sub>0</sub> is
 * [<i>P</i><sub>0</sub>, <i>P</i><sub>1</sub>, …], each the {@code m.room.power_levels} event in the
 * {@code auth_events} of the one before. The mainline position of an event <i>e</i> is the index <i>i</i> of the
 * first event <i>e<sub>j</sub></i> (<i>j</i> ≥ 1) of its own power levels chain that is on the mainline, or ∞ if
 * none is. Then <i>x</i> &lt; <i>y</i> if (1) <i>x</i>'s mainline position is <b>greater</b>, else (2) its
 * {@code origin_server_ts} is less, else (3) its event ID is less.
 *
 * <p>Implementation notes: an event's position equals the position of every off-mainline power levels event on its
 * chain, so positions are memoised per event ID and each chain is walked once for the whole sort.
 */
final class MainlineOrdering {
  private static final int INFINITY = Integer.MAX_VALUE;

  private final ResolutionEvents events;
  private final Map<String, Integer> mainline = new HashMap<>();
  private final Map<String, Integer> positions = new HashMap<>();

  private MainlineOrdering(Pdu powerLevels, ResolutionEvents events) {
    this.events = events;
    // A cycle of power levels events cannot occur with hashed IDs; the visited set keeps forged ones finite.
    Set<String> seen = new HashSet<>();
    for (Pdu p = powerLevels; p != null && seen.add(p.eventId()); p = events.powerLevelsAuthEvent(p.eventId())) {
      mainline.put(p.eventId(), mainline.size());
    }
  }

  /**
   * Sorts {@code ids} (all available from {@code events}) by the mainline ordering based on {@code powerLevels}, the
   * power levels event of the partially resolved state; with none, every position is ∞.
   */
  static List<String> sort(Collection<String> ids, Pdu powerLevels, ResolutionEvents events) {
    MainlineOrdering ordering = new MainlineOrdering(powerLevels, events);
    int n = ids.size();
    String[] eventIds = ids.toArray(new String[0]);
    int[] position = new int[n];
    long[] timestamp = new long[n];
    for (int i = 0; i < n; i++) {
      position[i] = ordering.position(eventIds[i]);
      timestamp[i] = events.get(eventIds[i]).originServerTs();
    }
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Comparator<Integer> comparator =
        (a, b) -> {
          int byPosition = Integer.compare(position[b], position[a]); // greater position first
          if (byPosition != 0) {
            return byPosition;
          }
          int byTimestamp = Long.compare(timestamp[a], timestamp[b]);
          return byTimestamp != 0 ? byTimestamp : eventIds[a].compareTo(eventIds[b]);
        };
    Arrays.sort(order, comparator);
    List<String> sorted = new ArrayList<>(n);
    for (int i : order) {
      sorted.add(eventIds[i]);
    }
    return sorted;
  }

  /** The mainline position of the event: walks its power levels chain until it meets the mainline. */
  private int position(String eventId) {
    Integer known = positions.get(eventId);
    if (known != null) {
      return known;
    }
    List<String> walked = new ArrayList<>();
    walked.add(eventId);
    int found = INFINITY;
    Set<String> seen = new HashSet<>(walked);
    for (Pdu p = events.powerLevelsAuthEvent(eventId); p != null; p = events.powerLevelsAuthEvent(p.eventId())) {
      Integer onMainline = mainline.get(p.eventId());
      if (onMainline != null) {
        found = onMainline;
        break;
      }
      Integer memo = positions.get(p.eventId());
      if (memo != null) {
        found = memo;
        break;
      }
      if (!seen.add(p.eventId())) {
        break; // a forged cycle: no mainline event below
      }
      walked.add(p.eventId());
    }
    for (String id : walked) {
      positions.put(id, found);
    }
    return found;
  }
}
