package dev.larch.core.federation.resident;

import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StateBefore;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.state.EventSource;
import dev.larch.core.state.StateResolver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The state before an event with given prev events, as the room's sequencer sees it: the state after the one prev
 * event, or the resolution of the states after several (spec: server-server API, "Room State Resolution"). The same
 * reading {@code EventSender} makes for local sends, here for events built or signed by another server.
 *
 * @param prevEvents the prev events, deepest first
 * @param state the state before an event that follows them
 * @param stateBefore how the store is told that state
 */
record RoomHead(List<Pdu> prevEvents, Map<StateKey, String> state, StateBefore stateBefore) {
  /** At most this many forward extremities become one template's prev_events (as {@code EventSender}). */
  static final int MAX_PREV_EVENTS = 10;

  /** The head a new event of the room would follow: its forward extremities. Empty if it has none. */
  static Optional<RoomHead> current(RoomStore store, String roomId, RoomVersion version) {
    List<Pdu> prevs = new ArrayList<>(store.events(store.forwardExtremities(roomId)).stream()
        .filter(e -> e.status().visibleToClients())
        .map(StoredEvent::pdu)
        .toList());
    prevs.sort(Comparator.comparingLong(Pdu::depth).reversed().thenComparing(Pdu::eventId));
    if (prevs.size() > MAX_PREV_EVENTS) {
      prevs = prevs.subList(0, MAX_PREV_EVENTS);
    }
    return of(store, version, prevs);
  }

  /**
   * The head made of these stored prev events; empty if there are none or one of them has no state here (an
   * outlier, a rejected event).
   */
  static Optional<RoomHead> of(RoomStore store, RoomVersion version, List<Pdu> prevs) {
    if (prevs.isEmpty()) {
      return Optional.empty();
    }
    List<Map<StateKey, String>> states = new ArrayList<>(prevs.size());
    for (Pdu prev : prevs) {
      Optional<Map<StateKey, String>> after = store.stateAfter(prev.eventId());
      if (after.isEmpty()) {
        return Optional.empty();
      }
      states.add(after.get());
    }
    if (states.size() == 1) {
      return Optional.of(new RoomHead(prevs, states.get(0), StateBefore.afterEvent(prevs.get(0).eventId())));
    }
    Map<StateKey, String> resolved = resolve(store, version, states);
    return Optional.of(new RoomHead(prevs, resolved, StateBefore.resolved(resolved, prevs.get(0).eventId())));
  }

  /** The resolution of several state maps of the room, reading events from the store. */
  static Map<StateKey, String> resolve(RoomStore store, RoomVersion version, List<Map<StateKey, String>> states) {
    EventSource events = new EventSource() {
      @Override
      public Optional<Pdu> event(String eventId) {
        return store.event(eventId).map(StoredEvent::pdu);
      }

      @Override
      public boolean isRejected(String eventId) {
        return store.event(eventId).map(e -> e.status().rejected()).orElse(false);
      }
    };
    return StateResolver.resolve(version, states, events);
  }

  /** The state events in the slots the auth rules read for {@code event} (plus the create event), loaded. */
  Map<StateKey, Pdu> authState(RoomStore store, Pdu event) {
    return AuthStates.load(store, state, event);
  }
}
