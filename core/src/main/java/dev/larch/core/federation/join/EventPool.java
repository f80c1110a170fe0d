package dev.larch.core.federation.join;

import dev.larch.core.event.Pdu;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.state.EventSource;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The events a flow has received and checked but not stored yet, in front of the events the store already holds:
 * one place to look an event up by ID while working out auth and state for a batch about to be persisted.
 */
final class EventPool implements EventSource {
  private final RoomStore store;
  private final Map<String, Pdu> received = new HashMap<>();

  EventPool(RoomStore store) {
    this.store = store;
  }

  void add(Pdu event) {
    received.put(event.eventId(), event);
  }

  void addAll(Map<String, Pdu> events) {
    received.putAll(events);
  }

  boolean has(String eventId) {
    return received.containsKey(eventId) || store.event(eventId).isPresent();
  }

  /** A received event, or a stored one that was not rejected (an auth or state event we may rely on). */
  @Override
  public Optional<Pdu> event(String eventId) {
    Pdu event = received.get(eventId);
    if (event != null) {
      return Optional.of(event);
    }
    return store.event(eventId).filter(e -> !e.status().rejected()).map(StoredEvent::pdu);
  }

  @Override
  public boolean isRejected(String eventId) {
    return !received.containsKey(eventId) && store.event(eventId).map(e -> e.status().rejected()).orElse(false);
  }
}
