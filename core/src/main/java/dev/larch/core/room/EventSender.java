package dev.larch.core.room;

import dev.larch.core.error.MatrixException;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.RoomEventListener;
import dev.larch.core.event.StateKey;
import dev.larch.core.state.EventSource;
import dev.larch.core.state.StateResolver;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Function;
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
  private final SendBatches batches;
  private final Executor signing;

  /** Signs every event on the sending thread; a caller that sends a batch goes on until nothing is queued. */
  public EventSender(RoomStore store, EventBuilder builder, RoomLocks locks, List<RoomEventListener> listeners) {
    this(store, builder, locks, listeners, Runnable::run, Runnable::run);
  }

  /**
   * @param signing where the events of a grouped send are signed, in parallel with building the next ones
   * @param drainer where sends still queued after a caller's batch are sent, batch after batch (blocking work)
   */
  public EventSender(RoomStore store, EventBuilder builder, RoomLocks locks, List<RoomEventListener> listeners,
      Executor signing, Executor drainer) {
    this.store = store;
    this.builder = builder;
    this.locks = locks;
    this.listeners = List.copyOf(listeners);
    this.signing = signing;
    this.batches = new SendBatches(locks, drainer, this::sendBatch);
    locks.onRelease(batches::released);
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
   * <p>Concurrent sends into one room are grouped: each send is queued, and whichever thread holds the room's lock
   * builds queued events in turn (each on top of the one before, authorized against the state after it) and
   * persists them with one {@link RoomStore#persistAll} transaction, so a burst costs one durable commit per batch
   * instead of one per event ({@link SendBatches}). Each caller still returns only once its own event is committed.
   * A caller that already holds the room's lock (a service checking something before it sends) sends just its own
   * event, so nothing is slipped in between its check and its event.
   *
   * @throws MatrixException {@code M_NOT_FOUND} for a room this server does not have, and whatever
   *     {@link EventBuilder#build} throws
   */
  public Sent send(String roomId, String sender, EventDraft draft, Optional<TxnKey> txn) {
    if (locks.isHeldByCurrentThread(roomId)) {
      return locks.withLock(roomId, () -> sendOne(roomId, sender, draft, txn));
    }
    SendBatches.Pending pending = new SendBatches.Pending(roomId, sender, draft, txn);
    batches.submit(pending);
    return pending.result();
  }

  /**
   * {@link #send}, answering with a future instead of waiting: a caller that finds the room's lock taken returns at
   * once, and its future completes (on the thread sending its batch) once the event is committed. Fails the future
   * with what {@link #send} would throw. Not for a caller holding the room's lock.
   */
  public CompletableFuture<Sent> sendAsync(String roomId, String sender, EventDraft draft, Optional<TxnKey> txn) {
    if (locks.isHeldByCurrentThread(roomId)) {
      throw new IllegalStateException("sendAsync while holding the room's lock; use send");
    }
    return batches.submit(new SendBatches.Pending(roomId, sender, draft, txn));
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

  // One event, the room's lock held: the path for a caller holding the lock, and the fallback of a batch.
  private Sent sendOne(String roomId, String sender, EventDraft draft, Optional<TxnKey> txn) {
    if (txn.isPresent()) {
      Optional<Sent> earlier = earlier(txn.get());
      if (earlier.isPresent()) {
        return earlier.get();
      }
    }
    RoomVersion version =
        store.roomVersion(roomId).orElseThrow(() -> MatrixException.notFound("Unknown room " + roomId));
    Head head = head(roomId, version);
    Pdu event = builder.build(version, roomId, sender, draft, head.prevEvents(), lookup(head, Map.of()));
    PersistRequest request =
        new PersistRequest(event, EventStatus.ACCEPTED, head.stateBefore(), CurrentStateUpdate.toStateAfterEvent(),
            txn);
    PersistResult result = store.persist(request);
    if (result.alreadyStored()) {
      return new Sent(store.event(result.eventId()).orElseThrow().pdu(), result.streamPosition(), true);
    }
    notifyListeners(event, result.streamPosition());
    return new Sent(event, result.streamPosition(), false);
  }

  // A batch of queued sends into one room, the room's lock held. The client transaction IDs are not looked up
  // first: persistAll refuses a batch in which one was already used, and the batch then goes one by one.
  private void sendBatch(String roomId, List<SendBatches.Pending> batch) {
    RoomVersion version;
    Head head;
    try {
      version = store.roomVersion(roomId).orElseThrow(() -> MatrixException.notFound("Unknown room " + roomId));
      head = head(roomId, version);
    } catch (RuntimeException e) {
      batch.forEach(pending -> pending.fail(e));
      return;
    }
    List<Built> built = new ArrayList<>(batch.size());
    Map<String, Pdu> batchEvents = new HashMap<>();
    for (SendBatches.Pending pending : batch) {
      try {
        EventBuilder.Unsigned event = builder.buildUnsigned(version, roomId, pending.sender(), pending.draft(),
            head.prevEvents(), lookup(head, batchEvents));
        // Signed while the next events are built: their prev_events name this one by its ID, which the signature
        // does not change. A lone event is signed here, saving the hand-off.
        CompletableFuture<String> signature = batch.size() == 1
            ? CompletableFuture.completedFuture(builder.signature(event))
            : CompletableFuture.supplyAsync(() -> builder.signature(event), signing);
        built.add(new Built(pending, event, head.stateBefore(), signature));
        batchEvents.put(event.view().eventId(), event.view());
        head = head.after(event.view());
      } catch (RuntimeException e) {
        // A repeated transaction ID answers with its first event, even if the same draft would now be refused.
        Optional<Sent> earlier = pending.txn().flatMap(this::earlier);
        if (earlier.isPresent()) {
          pending.complete(earlier.get());
        } else {
          pending.fail(e);
        }
      }
    }
    if (built.isEmpty()) {
      return;
    }
    List<PersistRequest> requests = new ArrayList<>(built.size());
    for (Built b : built) {
      Pdu event = builder.complete(b.event(), b.signature().join());
      requests.add(new PersistRequest(event, EventStatus.ACCEPTED, b.stateBefore(),
          CurrentStateUpdate.toStateAfterEvent(), b.pending().txn(), true));
    }
    Optional<List<PersistResult>> results;
    try {
      results = store.persistAll(requests);
    } catch (RuntimeException e) {
      log.warn("batch persist failed, sending one by one room={} events={}", roomId, requests.size(), e);
      results = Optional.empty();
    }
    if (results.isEmpty()) {
      for (SendBatches.Pending pending : built.stream().map(Built::pending).toList()) {
        try {
          pending.complete(sendOne(roomId, pending.sender(), pending.draft(), pending.txn()));
        } catch (RuntimeException e) {
          pending.fail(e);
        }
      }
      return;
    }
    for (int i = 0; i < built.size(); i++) {
      Pdu event = requests.get(i).event();
      long position = results.get().get(i).streamPosition();
      notifyListeners(event, position);
      built.get(i).pending().complete(new Sent(event, position, false));
    }
  }

  // A batch's event, built on the one before it, and its signature in the making.
  private record Built(SendBatches.Pending pending, EventBuilder.Unsigned event, StateBefore stateBefore,
      CompletableFuture<String> signature) {}

  /**
   * Where the next event goes: its prev events, the state before it, and how the store is told that state.
   * {@link #after} is the head once an accepted event has been added on top.
   */
  private record Head(List<Pdu> prevEvents, Map<StateKey, String> state, StateBefore stateBefore) {
    Head after(Pdu event) {
      Map<StateKey, String> next = state;
      Optional<StateKey> slot = event.stateSlot();
      if (slot.isPresent()) {
        next = new HashMap<>(state);
        next.put(slot.get(), event.eventId());
      }
      return new Head(List.of(event), next, StateBefore.afterEvent(event.eventId()));
    }
  }

  // The state events before the next event, by slot: built earlier in this batch (not stored yet) or stored.
  private Function<StateKey, Optional<Pdu>> lookup(Head head, Map<String, Pdu> unstored) {
    return slot -> Optional.ofNullable(head.state().get(slot))
        .flatMap(id -> unstored.containsKey(id)
            ? Optional.of(unstored.get(id))
            : store.event(id).map(StoredEvent::pdu));
  }

  // The room's head as stored: its forward extremities and the (resolved, if several) state after them.
  private Head head(String roomId, RoomVersion version) {
    List<Pdu> prevEvents = prevEvents(roomId);
    if (prevEvents.isEmpty()) {
      throw MatrixException.notFound("Unknown room " + roomId);
    }
    if (prevEvents.size() == 1) {
      String prev = prevEvents.get(0).eventId();
      Map<StateKey, String> state =
          store.stateAfter(prev).orElseThrow(() -> new IllegalStateException("extremity without state"));
      return new Head(prevEvents, state, StateBefore.afterEvent(prev));
    }
    Map<StateKey, String> state = resolve(version, prevEvents);
    return new Head(prevEvents, state, StateBefore.resolved(state, prevEvents.get(0).eventId()));
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
