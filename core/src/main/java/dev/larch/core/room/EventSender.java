package dev.larch.core.room;

import dev.larch.core.error.MatrixException;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.RoomEventListener;
import dev.larch.core.event.StateKey;
import dev.larch.core.state.EventSource;
import dev.larch.core.state.StateResolver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends local events into rooms: the "client send" flow. Under the room's lock it reads the room's head, has the
 * {@link EventBuilder} build, sign and authorize the event, persists it in one transaction with its state and the
 * client's transaction ID, then tells the {@link RoomEventListener}s.
 *
 * <p>Spec: client-server API, "Transaction identifiers" (a repeated {@code (device, txnId)} returns the first
 * event); server-server API, "PDUs" (prev events are the forward extremities; with several, the state before the
 * event is their resolved state, "Room State Resolution").
 */
public final class EventSender {
  /** At most this many forward extremities become one event's prev_events. */
  static final int MAX_PREV_EVENTS = 10;

  private static final Logger log = LoggerFactory.getLogger(EventSender.class);

  private final RoomStore store;
  private final EventBuilder builder;
  private final RoomLocks locks;
  private final List<RoomEventListener> listeners;

  public EventSender(RoomStore store, EventBuilder builder, RoomLocks locks, List<RoomEventListener> listeners) {
    this.store = store;
    this.builder = builder;
    this.locks = locks;
    this.listeners = List.copyOf(listeners);
  }

  /** An event that was sent, or found already sent under the same transaction ID. */
  public record Sent(Pdu event, long streamPosition, boolean alreadySent) {
    public String eventId() {
      return event.eventId();
    }
  }

  public EventBuilder builder() {
    return builder;
  }

  public RoomLocks locks() {
    return locks;
  }

  /**
   * Builds and persists {@code draft} as {@code sender} in {@code roomId}.
   *
   * @throws MatrixException {@code M_NOT_FOUND} for a room this server does not have, and whatever
   *     {@link EventBuilder#build} throws
   */
  public Sent send(String roomId, String sender, EventDraft draft, Optional<TxnKey> txn) {
    return locks.withLock(roomId, () -> {
      if (txn.isPresent()) {
        Optional<Sent> earlier = earlier(txn.get());
        if (earlier.isPresent()) {
          return earlier.get();
        }
      }
      RoomVersion version =
          store.roomVersion(roomId).orElseThrow(() -> MatrixException.notFound("Unknown room " + roomId));
      List<Pdu> prevEvents = prevEvents(roomId);
      if (prevEvents.isEmpty()) {
        throw MatrixException.notFound("Unknown room " + roomId);
      }
      StateBefore stateBefore;
      Map<StateKey, String> state;
      if (prevEvents.size() == 1) {
        String prev = prevEvents.get(0).eventId();
        state = store.stateAfter(prev).orElseThrow(() -> new IllegalStateException("extremity without state"));
        stateBefore = StateBefore.afterEvent(prev);
      } else {
        state = resolve(version, prevEvents);
        stateBefore = StateBefore.resolved(state, prevEvents.get(0).eventId());
      }
      Pdu event =
          builder.build(version, roomId, sender, draft, prevEvents,
              slot -> Optional.ofNullable(state.get(slot)).flatMap(store::event).map(StoredEvent::pdu));
      PersistRequest request =
          new PersistRequest(event, EventStatus.ACCEPTED, stateBefore, CurrentStateUpdate.toStateAfterEvent(), txn);
      PersistResult result = store.persist(request);
      if (result.alreadyStored()) {
        return new Sent(store.event(result.eventId()).orElseThrow().pdu(), result.streamPosition(), true);
      }
      notifyListeners(event, result.streamPosition());
      return new Sent(event, result.streamPosition(), false);
    });
  }

  /**
   * Persists a new room's first events, already built in order (create event first, each following the one before
   * it), under the room's lock, notifying listeners of each.
   */
  public void persistNewRoom(List<Pdu> events) {
    String roomId = events.get(0).roomId();
    locks.withLock(roomId, () -> {
      String previous = null;
      for (Pdu event : events) {
        StateBefore before = previous == null ? StateBefore.none() : StateBefore.afterEvent(previous);
        PersistResult result = store.persist(PersistRequest.accepted(event, before));
        if (!result.alreadyStored()) {
          notifyListeners(event, result.streamPosition());
        }
        previous = event.eventId();
      }
      return null;
    });
  }

  private Optional<Sent> earlier(TxnKey txn) {
    return store.eventIdForTransaction(txn)
        .flatMap(store::event)
        .map(stored -> new Sent(stored.pdu(), stored.streamPosition(), true));
  }

  // The forward extremities, deepest first, at most MAX_PREV_EVENTS of them.
  private List<Pdu> prevEvents(String roomId) {
    List<Pdu> events = new ArrayList<>(store.events(store.forwardExtremities(roomId)).stream()
        .map(StoredEvent::pdu).toList());
    events.sort(Comparator.comparingLong(Pdu::depth).reversed().thenComparing(Pdu::eventId));
    return events.size() > MAX_PREV_EVENTS ? events.subList(0, MAX_PREV_EVENTS) : events;
  }

  private Map<StateKey, String> resolve(RoomVersion version, List<Pdu> prevEvents) {
    List<Map<StateKey, String>> states = new ArrayList<>();
    for (Pdu prev : prevEvents) {
      store.stateAfter(prev.eventId()).ifPresent(states::add);
    }
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

  private void notifyListeners(Pdu event, long streamPosition) {
    for (RoomEventListener listener : listeners) {
      try {
        listener.onEventPersisted(event, streamPosition, true);
      } catch (RuntimeException e) {
        log.error("room event listener failed room={} event={}", event.roomId(), event.eventId(), e);
      }
    }
  }
}
