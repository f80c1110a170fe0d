package dev.larch.core.federation.resident;

import dev.larch.core.event.Pdu;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Auth chains read from the store: every event reachable from some events through {@code auth_events}, the events
 * themselves left out unless one cites another. Walked breadth-first, one store read per level, so a chain costs a
 * few queries, not one per event. Events this server does not have are skipped (they cannot be served anyway).
 *
 * <p>Spec: server-server API v1.11, "Auth chain" ({@code /state}, {@code /event_auth}, {@code send_join}).
 */
public final class AuthChains {
  private AuthChains() {}

  /** The union of the auth chains of {@code events}, ordered by depth then event ID (create event first). */
  public static List<StoredEvent> of(RoomStore store, Collection<Pdu> events) {
    Map<String, StoredEvent> chain = new LinkedHashMap<>();
    Set<String> frontier = new LinkedHashSet<>();
    for (Pdu event : events) {
      frontier.addAll(event.authEventIds());
    }
    while (!frontier.isEmpty()) {
      Set<String> next = new LinkedHashSet<>();
      for (StoredEvent event : store.events(frontier)) {
        if (chain.putIfAbsent(event.eventId(), event) == null) {
          for (String auth : event.pdu().authEventIds()) {
            if (!chain.containsKey(auth)) {
              next.add(auth);
            }
          }
        }
      }
      frontier = next;
    }
    List<StoredEvent> out = new ArrayList<>(chain.values());
    out.sort(Comparator.comparingLong(StoredEvent::depth).thenComparing(StoredEvent::eventId));
    return out;
  }
}
