package dev.larch.core.federation.inbound;

import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.EventStatus;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.PersistResult;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.state.EventSource;
import dev.larch.core.state.StateResolver;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One room while a batch of received events is checked, under the room's lock: the store, plus the events already
 * judged in this batch but not yet written. Every check reads through here, so an event can follow one judged just
 * before it, and what is pending is written in one {@link RoomStore#persistAll} transaction per {@link #flush}: at
 * the end of a transaction's events, and earlier whenever the receiver would otherwise wait for signature checks.
 *
 * <p>It keeps the room's forward extremities in step with what the store will do on the write: an accepted event
 * replaces its prev events, other events leave them alone. Not thread-safe: one batch, one thread.
 */
final class RoomBatch {
  /** A judged event waiting to be written, with the state after it (null for outliers). */
  private record Pending(PersistRequest request, Map<StateKey, String> stateAfter) {}

  /** An event of this batch as written. */
  record Written(Pdu event, EventStatus status, long streamPosition) {}

  private final String roomId;
  private final RoomVersion version;
  private final RoomStore store;
  private final Map<String, Pending> pending = new LinkedHashMap<>();
  // Events read from the store in this batch, in any status.
  private final Map<String, StoredEvent> loaded = new HashMap<>();
  // Events known not to be stored: nobody else writes the room while its lock is held.
  private final Set<String> absent = new HashSet<>();
  private Set<String> extremities;

  RoomBatch(String roomId, RoomVersion version, RoomStore store) {
    this.roomId = roomId;
    this.version = version;
    this.store = store;
  }

  /**
   * Reads these events from the store in one query (the events of a transaction, their prev and auth events), so
   * the checks that follow ask the store nothing for them, not even for the new ones it does not have.
   */
  void preload(Collection<String> eventIds) {
    List<String> unknown = new ArrayList<>();
    for (String id : eventIds) {
      if (!pending.containsKey(id) && !loaded.containsKey(id) && !absent.contains(id)) {
        unknown.add(id);
      }
    }
    if (unknown.isEmpty()) {
      return;
    }
    for (StoredEvent e : store.events(unknown)) {
      loaded.put(e.eventId(), e);
    }
    for (String id : unknown) {
      if (!loaded.containsKey(id)) {
        absent.add(id);
      }
    }
  }

  String roomId() {
    return roomId;
  }

  /** Whether judged events wait to be written. */
  boolean hasPending() {
    return !pending.isEmpty();
  }

  RoomVersion version() {
    return version;
  }

  /** Whether the event is stored or judged in this batch, in any status. */
  boolean known(String eventId) {
    return pending.containsKey(eventId) || stored(eventId).isPresent();
  }

  Optional<Pdu> event(String eventId) {
    Pending p = pending.get(eventId);
    if (p != null) {
      return Optional.of(p.request().event());
    }
    return stored(eventId).map(StoredEvent::pdu);
  }

  /** The known events among {@code eventIds}, by ID; loads the missing ones from the store in one read. */
  Map<String, Pdu> events(Collection<String> eventIds) {
    preload(eventIds);
    Map<String, Pdu> found = new LinkedHashMap<>();
    for (String id : eventIds) {
      event(id).ifPresent(e -> found.put(id, e));
    }
    return found;
  }

  Optional<EventStatus> status(String eventId) {
    Pending p = pending.get(eventId);
    if (p != null) {
      return Optional.of(p.request().status());
    }
    return stored(eventId).map(StoredEvent::status);
  }

  boolean isRejected(String eventId) {
    return status(eventId).map(EventStatus::rejected).orElse(false);
  }

  /** Whether the event is known with its state (stored or judged as anything but an outlier). */
  boolean hasState(String eventId) {
    return status(eventId).map(s -> !s.outlier()).orElse(false);
  }

  /** The state after an event known with its state. */
  Optional<Map<StateKey, String>> stateAfter(String eventId) {
    Pending p = pending.get(eventId);
    if (p != null) {
      return Optional.ofNullable(p.stateAfter());
    }
    return hasState(eventId) ? store.stateAfter(eventId) : Optional.empty();
  }

  /** The room's forward extremities as they will be once the batch is written. */
  Set<String> extremities() {
    if (extremities == null) {
      extremities = new HashSet<>(store.forwardExtremities(roomId));
    }
    return extremities;
  }

  /** The event in one slot of the room's current state as stored (the create event, the server ACL). */
  Optional<Pdu> currentStateEvent(StateKey slot) {
    return store.currentStateEventId(roomId, slot).flatMap(this::event);
  }

  /**
   * Adds a judged event to the batch.
   *
   * @param stateAfter the state after the event, or null for an outlier
   */
  void add(PersistRequest request, Map<StateKey, String> stateAfter) {
    Pdu event = request.event();
    pending.put(event.eventId(), new Pending(request, stateAfter));
    if (request.status().visibleToClients()) {
      Set<String> ext = extremities();
      ext.removeAll(event.prevEventIds());
      ext.add(event.eventId());
    }
  }

  /** Events read through this batch, for state resolution: the rejected ones are marked as such. */
  EventSource eventSource() {
    return eventSource(null);
  }

  // The batch's events plus one not added yet (or null).
  private EventSource eventSource(Pdu extra) {
    return new EventSource() {
      @Override
      public Optional<Pdu> event(String eventId) {
        if (extra != null && extra.eventId().equals(eventId)) {
          return Optional.of(extra);
        }
        return RoomBatch.this.event(eventId);
      }

      @Override
      public boolean isRejected(String eventId) {
        return RoomBatch.this.isRejected(eventId);
      }
    };
  }

  /** Resolves several states with the room version's algorithm, reading events through this batch. */
  Map<StateKey, String> resolve(List<Map<StateKey, String>> states) {
    return StateResolver.resolve(version, states, eventSource());
  }

  /** {@link #resolve(List)} where the states may name {@code event}, which is about to be added. */
  Map<StateKey, String> resolve(List<Map<StateKey, String>> states, Pdu event) {
    return StateResolver.resolve(version, states, eventSource(event));
  }

  /**
   * Writes every pending event, in order, in one transaction if none of them is stored yet (else one by one, each
   * already-stored event skipped), and returns what was written. The batch is empty afterwards; the store's
   * extremities are read again on next use.
   */
  List<Written> flush() {
    if (pending.isEmpty()) {
      return List.of();
    }
    List<Pending> batch = new ArrayList<>(pending.values());
    List<PersistRequest> requests = batch.stream().map(Pending::request).toList();
    List<PersistResult> results = store.persistAll(requests).orElseGet(() -> {
      List<PersistResult> one = new ArrayList<>();
      for (PersistRequest request : requests) {
        one.add(store.persist(request));
      }
      return one;
    });
    List<Written> written = new ArrayList<>();
    for (int i = 0; i < batch.size(); i++) {
      if (!results.get(i).alreadyStored()) {
        PersistRequest request = requests.get(i);
        written.add(new Written(request.event(), request.status(), results.get(i).streamPosition()));
      }
    }
    pending.clear();
    loaded.clear();
    absent.clear();
    extremities = null;
    return written;
  }

  private Optional<StoredEvent> stored(String eventId) {
    StoredEvent cached = loaded.get(eventId);
    if (cached != null) {
      return Optional.of(cached);
    }
    if (absent.contains(eventId)) {
      return Optional.empty();
    }
    Optional<StoredEvent> event = store.event(eventId);
    if (event.isPresent()) {
      loaded.put(eventId, event.get());
    } else {
      absent.add(eventId);
    }
    return event;
  }
}
