package dev.larch.core.state;

import dev.larch.core.event.Pdu;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The default {@link AuthChainSource}: walks {@code auth_events} through an {@link EventSource}.
 *
 * <p>Spec: room versions, state resolution v2, "Auth chain".
 *
 * <p>Implementation notes: every event ID met is interned to a small integer and its auth events are stored once as
 * an {@code int[]}, so an event's JSON is read at most once for the life of this source however many chains pass
 * through it. A query is then one breadth-first walk over integers with a {@link BitSet} of visited events: linear in
 * the size of the answer, never quadratic in the number of events asked about. Methods are synchronized; the memo
 * only grows, so keep one source per room (or per resolution) rather than one per server.
 */
public final class WalkingAuthChainSource implements AuthChainSource {
  private static final int[] NO_EDGES = new int[0];

  private final EventSource events;
  private final Map<String, Integer> indexById = new HashMap<>();
  private final List<String> ids = new ArrayList<>();
  // Auth event indices per event index; null until the event has been read.
  private int[][] edges = new int[64][];

  /** A source reading events from {@code events}. */
  public WalkingAuthChainSource(EventSource events) {
    this.events = events;
  }

  @Override
  public synchronized Set<String> authChain(Collection<String> eventIds) {
    BitSet visited = new BitSet(ids.size());
    int[] queue = new int[Math.max(16, eventIds.size())];
    int head = 0;
    int tail = 0;
    for (String id : eventIds) {
      queue = grow(queue, tail);
      queue[tail++] = intern(id);
    }
    Set<String> chain = new HashSet<>();
    // The given events seed the walk but only join the answer when something reaches them.
    while (head < tail) {
      for (int auth : edgesOf(queue[head++])) {
        if (!visited.get(auth)) {
          visited.set(auth);
          chain.add(ids.get(auth));
          queue = grow(queue, tail);
          queue[tail++] = auth;
        }
      }
    }
    return chain;
  }

  private int intern(String id) {
    Integer known = indexById.get(id);
    if (known != null) {
      return known;
    }
    int index = ids.size();
    ids.add(id);
    indexById.put(id, index);
    if (index >= edges.length) {
      edges = Arrays.copyOf(edges, edges.length * 2);
    }
    return index;
  }

  private int[] edgesOf(int index) {
    int[] known = edges[index];
    if (known != null) {
      return known;
    }
    Optional<Pdu> pdu = events.event(ids.get(index));
    if (pdu.isEmpty()) {
      // Not remembered: storage may have the event by the next query.
      return NO_EDGES;
    }
    List<String> authIds = pdu.get().authEventIds();
    int[] loaded = new int[authIds.size()];
    for (int i = 0; i < loaded.length; i++) {
      loaded[i] = intern(authIds.get(i));
    }
    // intern() may have replaced the array, so store after interning.
    edges[index] = loaded;
    return loaded;
  }

  private static int[] grow(int[] queue, int tail) {
    return tail < queue.length ? queue : Arrays.copyOf(queue, queue.length * 2);
  }
}
