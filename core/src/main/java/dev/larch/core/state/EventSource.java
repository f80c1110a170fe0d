package dev.larch.core.state;

import dev.larch.core.event.Pdu;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Port: the events state resolution may read, by event ID; storage supplies them, tests use a map.
 *
 * <p>Spec: server-server API, "Room State Resolution"; room versions, "State resolution" (every event named by the
 * state sets or reachable through their {@code auth_events}).
 */
@FunctionalInterface
public interface EventSource {
  /** The event with this ID, or empty if this server does not have it. */
  Optional<Pdu> event(String eventId);

  /**
   * Whether the event was rejected on receipt. Rejected auth events are never used to fill in the auth state during
   * the iterative auth checks (spec: "Rejected events"). Sources that do not track rejection answer false.
   */
  default boolean isRejected(String eventId) {
    return false;
  }

  /** A source over a fixed map of event ID to event; no event is rejected. */
  static EventSource of(Map<String, Pdu> events) {
    Map<String, Pdu> copy = Map.copyOf(events);
    return id -> Optional.ofNullable(copy.get(id));
  }

  /** A source over these events, keyed by their own event IDs; no event is rejected. */
  static EventSource of(Collection<Pdu> events) {
    Map<String, Pdu> byId = new HashMap<>(events.size() * 2);
    for (Pdu pdu : events) {
      byId.put(pdu.eventId(), pdu);
    }
    return of(byId);
  }
}
