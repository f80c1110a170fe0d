package dev.larch.core.federation.join;

import dev.larch.core.event.Pdu;
import dev.larch.core.event.RoomEventListener;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.PersistResult;
import dev.larch.core.room.RoomStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Persists what a membership flow produced and tells the {@link RoomEventListener}s, as {@code EventSender} does for
 * local sends. The caller holds the room's lock.
 */
final class RoomWriter {
  private static final Logger log = LoggerFactory.getLogger(RoomWriter.class);

  private final RoomStore store;
  private final List<RoomEventListener> listeners;

  RoomWriter(RoomStore store, List<RoomEventListener> listeners) {
    this.store = store;
    this.listeners = List.copyOf(listeners);
  }

  RoomStore store() {
    return store;
  }

  /**
   * Persists the requests in order: in one transaction when none is stored yet (all or nothing), otherwise one by
   * one, where an already stored event writes nothing (an inbound PDU may have stored one meanwhile).
   */
  List<PersistResult> persist(List<PersistRequest> requests) {
    if (requests.isEmpty()) {
      return List.of();
    }
    Optional<List<PersistResult>> batch = store.persistAll(requests);
    if (batch.isPresent()) {
      return batch.get();
    }
    List<PersistResult> results = new ArrayList<>(requests.size());
    for (PersistRequest request : requests) {
      results.add(store.persist(request));
    }
    return results;
  }

  /** Tells the listeners of an accepted event; {@code local} for events this server made. */
  void notifyListeners(Pdu event, long streamPosition, boolean local) {
    for (RoomEventListener listener : listeners) {
      try {
        listener.onEventPersisted(event, streamPosition, local);
      } catch (RuntimeException e) {
        log.error("room event listener failed room={} event={}", event.roomId(), event.eventId(), e);
      }
    }
  }
}
