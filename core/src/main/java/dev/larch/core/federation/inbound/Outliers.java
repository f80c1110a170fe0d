package dev.larch.core.federation.inbound;

import dev.larch.core.auth.AuthResult;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.EventStatus;
import dev.larch.core.room.CurrentStateUpdate;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.StateBefore;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Events fetched to fill in an auth chain or a state (never shown to clients): each is checked like any received
 * event, as far as it can be without its state, and kept as an outlier.
 *
 * <p>Spec: server-server API, "Checks performed on receipt of a PDU" steps 1–4 (an outlier has no state before
 * it, so steps 5 and 6 do not apply): an event with a bad signature is dropped; one whose content hash does not
 * match is kept redacted; one that fails auth against its own auth events, or cites a rejected or unknown auth
 * event, is kept as a rejected outlier so that nothing built on it is accepted. Events are taken in auth-chain
 * order (each after its auth events), so the check is recursive down to the create event.
 */
final class Outliers {
  private static final Logger log = LoggerFactory.getLogger(Outliers.class);
  private static final StateKey CREATE_SLOT = StateKey.of("m.room.create", "");

  private final IncomingEventChecks checks;

  Outliers(IncomingEventChecks checks) {
    this.checks = checks;
  }

  /** Checks and adds to {@code batch} every event of {@code events} it does not know yet. */
  void add(RoomBatch batch, String origin, List<Pdu> events) {
    checks.prefetchKeys(events);
    for (Pdu event : authOrder(events)) {
      if (batch.known(event.eventId())) {
        continue;
      }
      IncomingEventChecks.Verified verified = checks.verifySignaturesAndHash(event);
      if (verified instanceof IncomingEventChecks.Verified.Failed failed) {
        log.info("dropped a fetched event origin={} event={} reason={}", origin, event.eventId(), failed.reason());
        continue;
      }
      Pdu checked = ((IncomingEventChecks.Verified.Passed) verified).event();
      Optional<String> rejection = authAgainstAuthEvents(batch, checked);
      EventStatus status = rejection.map(reason -> new EventStatus(true, false, reason)).orElse(EventStatus.OUTLIER);
      batch.add(new PersistRequest(checked, status, StateBefore.none(), CurrentStateUpdate.unchanged(),
          Optional.empty()), null);
    }
  }

  /**
   * Step 4 for an event whose auth events are known (or not): the reason it is rejected, or empty if it passes.
   * Unknown or rejected auth events reject it (rule 3.3 and the spec's "Rejection").
   */
  Optional<String> authAgainstAuthEvents(RoomBatch batch, Pdu event) {
    List<String> authIds = event.authEventIds();
    Map<String, Pdu> authEvents = batch.events(authIds);
    for (String id : authIds) {
      if (!authEvents.containsKey(id)) {
        return Optional.of("auth event " + id + " is unknown");
      }
      if (batch.isRejected(id)) {
        return Optional.of("3.3: auth event " + id + " was rejected");
      }
    }
    Pdu create = null;
    if (event.roomVersion().privilegedCreators() && !"m.room.create".equals(event.type())) {
      create = batch.currentStateEvent(CREATE_SLOT).orElse(null);
    }
    List<Pdu> listed = new ArrayList<>(authIds.size());
    authIds.forEach(id -> listed.add(authEvents.get(id)));
    AuthResult result = checks.authAgainstAuthEvents(event, listed, create);
    return result instanceof AuthResult.Rejected rejected ? Optional.of(rejected.reason()) : Optional.empty();
  }

  /**
   * The events ordered so that each comes after those of its auth events that are among them (Kahn's algorithm,
   * shallowest first among the ready ones). A cycle, which only a forged chain can have, ends up last, where the
   * auth check rejects it for citing an event not yet known.
   */
  static List<Pdu> authOrder(List<Pdu> events) {
    Map<String, Pdu> byId = new HashMap<>();
    for (Pdu event : events) {
      byId.putIfAbsent(event.eventId(), event);
    }
    Map<String, Integer> waitingOn = new HashMap<>();
    Map<String, List<Pdu>> dependents = new HashMap<>();
    for (Pdu event : byId.values()) {
      int count = 0;
      for (String auth : event.authEventIds()) {
        if (byId.containsKey(auth) && !auth.equals(event.eventId())) {
          count++;
          dependents.computeIfAbsent(auth, k -> new ArrayList<>()).add(event);
        }
      }
      waitingOn.put(event.eventId(), count);
    }
    Comparator<Pdu> shallowFirst = Comparator.comparingLong(Pdu::depth).thenComparing(Pdu::eventId);
    java.util.PriorityQueue<Pdu> ready = new java.util.PriorityQueue<>(shallowFirst);
    for (Pdu event : byId.values()) {
      if (waitingOn.get(event.eventId()) == 0) {
        ready.add(event);
      }
    }
    List<Pdu> ordered = new ArrayList<>(byId.size());
    while (!ready.isEmpty()) {
      Pdu next = ready.poll();
      ordered.add(next);
      for (Pdu dependent : dependents.getOrDefault(next.eventId(), List.of())) {
        if (waitingOn.merge(dependent.eventId(), -1, Integer::sum) == 0) {
          ready.add(dependent);
        }
      }
    }
    if (ordered.size() < byId.size()) {
      java.util.Set<Pdu> placed = new java.util.HashSet<>(ordered);
      byId.values().stream().filter(e -> !placed.contains(e)).sorted(shallowFirst).forEach(ordered::add);
    }
    return ordered;
  }
}
