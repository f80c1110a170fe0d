package dev.larch.core.federation.inbound;

import dev.larch.core.auth.AuthResult;
import dev.larch.core.auth.ServerAcl;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.RoomEventListener;
import dev.larch.core.event.StateKey;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.id.UserId;
import dev.larch.core.room.CurrentStateUpdate;
import dev.larch.core.room.EventStatus;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.RoomLocks;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The inbound PDU pipeline: what happens to each event another server pushes to this one, room by room.
 *
 * <p>Spec: server-server API, "Checks performed on receipt of a PDU", "Rejection", "Soft failure", "Backfilling and
 * retrieving missing events", "Server Access Control Lists"; {@code ../shared/design/architecture.md} flow 2. For
 * each event, in depth order within its room, under the room's lock (so local sends and other transactions into the
 * room wait, while other rooms proceed):
 *
 * <ol>
 *   <li>Format ({@link PduFormat}, by the caller): invalid → dropped.
 *   <li>Signatures ({@link IncomingEventChecks}): missing or bad → dropped, not stored. Checked for the whole batch
 *       before the lock is taken, in parallel when an executor is given.
 *   <li>Content hash: mismatch → the redacted form is what is processed and stored.
 *   <li>Prev events this server lacks: {@code get_missing_events} ({@link MissingEvents}), those events processed
 *       first, oldest first, by these same steps.
 *   <li>The state before the event ({@link StateAtEvent}): from the prev events' states, resolved; a remaining gap
 *       is bridged with {@code /state_ids} and {@code /event}, fetched events kept as checked outliers.
 *   <li>Auth against its auth events, unknown ones fetched with {@code /event_auth} and kept as outliers
 *       ({@link Outliers}): fails → rejected (stored, never shown, changes no state).
 *   <li>Auth against the state before it: fails → rejected.
 *   <li>Auth against the current state ({@link SoftFail}): fails → soft-failed (stored with its state, never
 *       shown, not a forward extremity).
 *   <li>Otherwise accepted: stored with its state; the current state becomes the state after it if it extends every
 *       forward extremity, else the resolution of the states at the new extremities. Listeners hear of it with
 *       {@code local = false}.
 * </ol>
 *
 * <p>The events of one call are written in one transaction at the end ({@link RoomBatch}). A remote server's
 * failure while fetching drops just the event that needed it (a retry can succeed); a failure of our own storage
 * propagates, so the transaction is answered with an error and retried by its sender.
 */
public final class InboundPdus {
  private static final Logger log = LoggerFactory.getLogger(InboundPdus.class);
  private static final StateKey SERVER_ACL_SLOT = StateKey.of("m.room.server_acl", "");
  private static final int VERIFY_CHUNK = 4;

  private final String serverName;
  private final RoomStore store;
  private final RoomLocks locks;
  private final IncomingEventChecks checks;
  private final RemoteEvents remote;
  private final Outliers outliers;
  private final MissingEvents missingEvents;
  private final StateAtEvent stateAtEvent;
  private final SoftFail softFail;
  private final List<RoomEventListener> listeners;
  private final Executor verifyExecutor;

  /**
   * @param serverName this server's name: events are taken only for rooms one of its users is joined to
   * @param locks the room locks the {@link dev.larch.core.room.EventSender} takes, so that local and remote events
   *     of one room never interleave
   * @param federation how the origin is asked for missing events, state and auth chains
   * @param verifyExecutor where signature checks of a batch run in parallel, or null to run them on the caller
   */
  public InboundPdus(String serverName, RoomStore store, RoomLocks locks, IncomingEventChecks checks,
      FederationClient federation, List<RoomEventListener> listeners, Executor verifyExecutor) {
    this.serverName = serverName;
    this.store = store;
    this.locks = locks;
    this.checks = checks;
    this.remote = new RemoteEvents(federation);
    this.outliers = new Outliers(checks);
    this.missingEvents = new MissingEvents(remote);
    this.stateAtEvent = new StateAtEvent(remote, outliers);
    this.softFail = new SoftFail(checks);
    this.listeners = List.copyOf(listeners);
    this.verifyExecutor = verifyExecutor;
  }

  /** What became of one received event. */
  public sealed interface Outcome {
    /** Stored and part of the room (or already known as such). */
    record Accepted() implements Outcome {}

    /** Stored, but it fails against the current state: hidden from clients. */
    record SoftFailed(String reason) implements Outcome {}

    /** Stored as rejected: it fails the auth rules against its auth events or the state before it. */
    record Rejected(String reason) implements Outcome {}

    /** Not stored: invalid, badly signed, refused, or what it needs could not be fetched. */
    record Dropped(String reason) implements Outcome {}

    /** The {@code error} of the event in a {@code /send} answer, or empty for none. */
    default Optional<String> error() {
      if (this instanceof Rejected r) {
        return Optional.of("Event was rejected: " + r.reason());
      }
      if (this instanceof Dropped d) {
        return Optional.of(d.reason());
      }
      return Optional.empty();
    }
  }

  /**
   * Processes {@code events} of room {@code roomId}, which {@code origin} sent: every event already wrapped for the
   * room's version and format-checked. Blocking; call on a worker thread.
   *
   * @return the outcome per event ID, for every event given
   */
  public Map<String, Outcome> receive(String origin, String roomId, List<Pdu> events) {
    Map<String, Outcome> outcomes = new LinkedHashMap<>();
    if (events.isEmpty()) {
      return outcomes;
    }
    RoomVersion version = events.get(0).roomVersion();
    // Signatures need no room state: their checks start now, on the verify threads, and each event below waits
    // only for its own, so judging and writing the first events overlaps checking the later ones.
    Map<String, CompletableFuture<IncomingEventChecks.Verified>> verifying = verifyAll(events);
    List<Pdu> ordered = new ArrayList<>(events);
    ordered.sort(Comparator.comparingLong(Pdu::depth)); // stable: equal depths keep the sender's order
    locks.withLock(roomId, () -> {
      RoomBatch batch = new RoomBatch(roomId, version, store);
      Set<String> ids = new HashSet<>();
      for (Pdu event : ordered) {
        ids.add(event.eventId());
        ids.addAll(event.prevEventIds());
        ids.addAll(event.authEventIds());
      }
      batch.preload(ids);
      Optional<String> refusal = refusal(batch, origin);
      for (Pdu event : ordered) {
        CompletableFuture<IncomingEventChecks.Verified> verification = verifying.get(event.eventId());
        if (refusal.isEmpty() && !verification.isDone() && batch.hasPending()) {
          // Rather than wait for this event's signatures, write what is judged already.
          flush(batch);
        }
        // A check that threw is run again in handle(), where a failure drops this event alone.
        Outcome outcome = refusal.<Outcome>map(Outcome.Dropped::new)
            .orElseGet(() -> handleContained(batch, origin, event, verification.exceptionally(e -> null).join()));
        outcomes.put(event.eventId(), outcome);
        if (!(outcome instanceof Outcome.Accepted)) {
          log.info("received event not accepted origin={} room={} event={} outcome={}", origin, roomId,
              event.eventId(), outcome);
        }
      }
      flush(batch);
      return null;
    });
    Map<String, Outcome> inOrder = new LinkedHashMap<>();
    events.forEach(e -> inOrder.put(e.eventId(), outcomes.get(e.eventId())));
    return inOrder;
  }

  private void flush(RoomBatch batch) {
    for (RoomBatch.Written written : batch.flush()) {
      if (written.status().visibleToClients()) {
        notifyListeners(written.event(), written.streamPosition());
      }
    }
  }

  // Why no event of this origin is taken into the room: this server is not in it, or the room's ACL denies origin.
  private Optional<String> refusal(RoomBatch batch, String origin) {
    boolean joined = store.members(batch.roomId()).stream()
        .anyMatch(m -> "join".equals(m.membership())
            && UserId.tryParse(m.userId()).map(u -> u.serverName().value().equals(serverName)).orElse(false));
    if (!joined) {
      return Optional.of("This server is not in room " + batch.roomId());
    }
    if (!ServerAcl.of(batch.currentStateEvent(SERVER_ACL_SLOT)).allows(origin)) {
      return Optional.of("Server " + origin + " is denied by the server ACL of room " + batch.roomId());
    }
    return Optional.empty();
  }

  // A failure on one event that is not the remote's is our bug: it drops that event alone, since failing the whole
  // transaction would have the sender retry it forever. (Storage failures surface at the flush and do fail it.)
  private Outcome handleContained(RoomBatch batch, String origin, Pdu event, IncomingEventChecks.Verified verified) {
    try {
      return handle(batch, origin, event, verified, true);
    } catch (RuntimeException e) {
      log.error("inbound event failed origin={} room={} event={}", origin, batch.roomId(), event.eventId(), e);
      return new Outcome.Dropped("Internal error while processing the event");
    }
  }

  // One event through the pipeline. fetchMissing is false for events that were themselves fetched as missing
  // events: their gaps are bridged with state, never by walking further back.
  private Outcome handle(RoomBatch batch, String origin, Pdu received, IncomingEventChecks.Verified verified,
      boolean fetchMissing) {
    // A known outlier (kept for an auth chain or a state gap) goes through the pipeline again: judged with its state,
    // the store turns it into a timeline event.
    Optional<EventStatus> known = batch.status(received.eventId());
    if (known.isPresent() && !known.get().outlier()) {
      return outcomeOf(known.get());
    }
    IncomingEventChecks.Verified signatures =
        verified != null ? verified : checks.verifySignaturesAndHash(received);
    if (signatures instanceof IncomingEventChecks.Verified.Failed failed) {
      return new Outcome.Dropped(failed.reason());
    }
    Pdu event = ((IncomingEventChecks.Verified.Passed) signatures).event();
    try {
      if (fetchMissing && MissingEvents.hasGap(batch, event)) {
        List<Pdu> missing = missingEvents.fetch(batch, origin, event);
        checks.prefetchKeys(missing);
        for (Pdu earlier : missing) {
          Outcome outcome = handle(batch, origin, earlier, null, false);
          log.debug("missing event processed origin={} event={} outcome={}", origin, earlier.eventId(), outcome);
        }
      }
      StateAtEvent.State before = stateAtEvent.before(batch, origin, event);
      Optional<String> rejection = authAgainstAuthEvents(batch, origin, event);
      if (rejection.isEmpty()) {
        AuthResult result = checks.authAgainstState(event, before.state(), batch::event);
        if (result instanceof AuthResult.Rejected rejected) {
          rejection = Optional.of("against the state before it: " + rejected.reason());
        }
      } else {
        rejection = Optional.of("against its auth events: " + rejection.get());
      }
      if (rejection.isPresent()) {
        batch.add(new PersistRequest(event, EventStatus.rejected(rejection.get()), before.form(),
            CurrentStateUpdate.unchanged(), Optional.empty()), before.state());
        return new Outcome.Rejected(rejection.get());
      }
      Map<StateKey, String> after = stateAfter(before.state(), event);
      Optional<String> soft = softFail.check(batch, event, before.state());
      if (soft.isPresent()) {
        batch.add(new PersistRequest(event, EventStatus.SOFT_FAILED, before.form(), CurrentStateUpdate.unchanged(),
            Optional.empty()), after);
        return new Outcome.SoftFailed(soft.get());
      }
      batch.add(new PersistRequest(event, EventStatus.ACCEPTED, before.form(), currentStateUpdate(batch, event, after),
          Optional.empty()), after);
      return new Outcome.Accepted();
    } catch (RemoteServerException e) {
      return new Outcome.Dropped("Could not fetch what the event needs from " + e.destination() + ": "
          + e.getMessage());
    }
  }

  // Step 4, fetching the auth chain from the origin first if an auth event is unknown here.
  private Optional<String> authAgainstAuthEvents(RoomBatch batch, String origin, Pdu event) {
    boolean missing = event.authEventIds().stream().anyMatch(id -> !batch.known(id));
    if (missing) {
      outliers.add(batch, origin, remote.authChain(origin, batch.roomId(), batch.version(), event.eventId()));
    }
    return outliers.authAgainstAuthEvents(batch, event);
  }

  // Current state after an accepted event: the state after it when it extends every forward extremity (the common
  // case, cheap for the store), else the resolution of the states at the extremities it leaves standing and at it.
  private static CurrentStateUpdate currentStateUpdate(RoomBatch batch, Pdu event, Map<StateKey, String> after) {
    Set<String> prevs = new HashSet<>(event.prevEventIds());
    Set<String> extremities = batch.extremities();
    if (prevs.containsAll(extremities)) {
      return CurrentStateUpdate.toStateAfterEvent();
    }
    List<Map<StateKey, String>> states = new ArrayList<>();
    for (String extremity : extremities) {
      if (!prevs.contains(extremity)) {
        batch.stateAfter(extremity).ifPresent(states::add);
      }
    }
    states.add(after);
    // The event is not in the batch yet, and its own state slot is among what is resolved.
    return CurrentStateUpdate.to(batch.resolve(states, event));
  }

  private static Map<StateKey, String> stateAfter(Map<StateKey, String> before, Pdu event) {
    Optional<StateKey> slot = event.stateSlot();
    if (slot.isEmpty()) {
      return before; // shared, never modified: a message costs no copy of the state
    }
    Map<StateKey, String> after = new HashMap<>(before);
    after.put(slot.get(), event.eventId());
    return after;
  }

  private static Outcome outcomeOf(EventStatus status) {
    if (status.rejected()) {
      return new Outcome.Rejected(status.rejectedReason());
    }
    if (status.softFailed()) {
      return new Outcome.SoftFailed("soft-failed earlier");
    }
    return new Outcome.Accepted();
  }

  // Each event's signature and hash check, in chunks on the verify threads (or done here without them), in the
  // sender's order, which is usually the order the events are judged in.
  private Map<String, CompletableFuture<IncomingEventChecks.Verified>> verifyAll(List<Pdu> events) {
    checks.prefetchKeys(events);
    Map<String, CompletableFuture<IncomingEventChecks.Verified>> verifying = new HashMap<>();
    if (verifyExecutor == null || events.size() <= VERIFY_CHUNK) {
      for (Pdu event : events) {
        verifying.put(event.eventId(), CompletableFuture.completedFuture(checks.verifySignaturesAndHash(event)));
      }
      return verifying;
    }
    for (int from = 0; from < events.size(); from += VERIFY_CHUNK) {
      List<Pdu> chunk = events.subList(from, Math.min(events.size(), from + VERIFY_CHUNK));
      CompletableFuture<List<IncomingEventChecks.Verified>> checked = CompletableFuture.supplyAsync(
          () -> chunk.stream().map(checks::verifySignaturesAndHash).toList(), verifyExecutor);
      for (int i = 0; i < chunk.size(); i++) {
        int index = i;
        verifying.put(chunk.get(i).eventId(), checked.thenApply(results -> results.get(index)));
      }
    }
    return verifying;
  }

  private void notifyListeners(Pdu event, long streamPosition) {
    for (RoomEventListener listener : listeners) {
      try {
        listener.onEventPersisted(event, streamPosition, false);
      } catch (RuntimeException e) {
        log.error("room event listener failed room={} event={}", event.roomId(), event.eventId(), e);
      }
    }
  }
}
