package dev.larch.core.federation.join;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.auth.AuthResult;
import dev.larch.core.auth.AuthRules;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.room.CurrentStateUpdate;
import dev.larch.core.room.EventStatus;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StateBefore;
import dev.larch.core.state.StateResolver;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the history before some events of a room ({@code GET /_matrix/federation/v1/backfill/{roomId}}) and turns
 * it into events to persist as accepted timeline events with their state, so that {@code /messages} pages back into
 * it and history visibility can judge each event.
 *
 * <p>Spec: server-server API, "Backfilling and retrieving missing events"; "Checks performed on receipt of a PDU"
 * (signatures, hashes, auth against the auth events and against the state before the event). How the events are
 * stored follows Synapse's backfill: they join the DAG below what we hold (never forward extremities: each is an
 * ancestor of a stored event, and only events connected to the starting events are kept), current state is left
 * alone, and each gets the state before it: from its prev events when we hold them, otherwise from
 * {@code GET /state_ids/{roomId}?event_id=} at the event, fetching unknown state events with {@code GET /event}.
 *
 * <p>Best effort throughout: a remote failure, a bad event or an event that fails auth leaves that part of the
 * history out, never the caller's operation.
 */
final class HistoryBackfill {
  /** How many events one backfill asks for: enough for a client's first screens of history. */
  static final int DEFAULT_LIMIT = 50;
  /** Root events (whose prev events we lack) whose state is fetched per backfill; further roots are dropped. */
  static final int MAX_STATE_FETCHES = 3;
  /** Unknown state events fetched one by one per state fetch. */
  static final int MAX_EVENT_FETCHES = 100;

  private static final Logger log = LoggerFactory.getLogger(HistoryBackfill.class);

  private final RoomStore store;
  private final FederationClient client;
  private final ReceivedEvents received;

  HistoryBackfill(RoomStore store, FederationClient client, ReceivedEvents received) {
    this.store = store;
    this.client = client;
    this.received = received;
  }

  /**
   * What to persist, in order: first {@code outliers} (state events fetched to know the state at the history's
   * oldest events), then {@code events} (oldest first).
   */
  record History(List<Pdu> outliers, List<PersistRequest> events) {
    static final History NONE = new History(List.of(), List.of());

    Set<String> eventIds() {
      Set<String> ids = new HashSet<>();
      events.forEach(r -> ids.add(r.event().eventId()));
      return ids;
    }
  }

  /**
   * Backfills up to {@code limit} events before {@code from} from {@code server}.
   *
   * @param pool the events already checked for this operation (a join's state and auth chain), in front of the store
   * @param create the room's create event
   */
  History fetch(String server, RoomVersion version, String roomId, Collection<String> from, int limit,
      EventPool pool, Pdu create) {
    if (from.isEmpty()) {
      return History.NONE;
    }
    StringBuilder path = new StringBuilder("/_matrix/federation/v1/backfill/").append(PathSegment.encode(roomId));
    char separator = '?';
    for (String eventId : from) {
      path.append(separator).append("v=").append(PathSegment.encode(eventId));
      separator = '&';
    }
    path.append("&limit=").append(limit);
    JsonNode answer;
    try {
      answer = client.get(server, path.toString());
    } catch (RemoteServerException e) {
      log.info("backfill failed room={} server={}: {}", roomId, server, e.getMessage());
      return History.NONE;
    }
    Map<String, Pdu> events = checkedEvents(version, roomId, ReceivedEvents.array(answer, "pdus"), pool, create);
    List<Pdu> ordered = connectedOldestFirst(events, from);
    return withState(server, version, roomId, ordered, pool, create);
  }

  // Parsed, validly signed, not yet in our timeline, and authorized by their own auth events.
  private Map<String, Pdu> checkedEvents(RoomVersion version, String roomId, List<JsonNode> json, EventPool pool,
      Pdu create) {
    List<Pdu> parsed = new ArrayList<>();
    for (JsonNode node : json) {
      try {
        Pdu pdu = ReceivedEvents.parse(version, roomId, node);
        // Stored in the timeline already. A stored outlier (e.g. the join's state) stays in: persisted with its
        // state, the store upgrades it, and the history reaches back past it.
        if (store.event(pdu.eventId()).map(e -> e.status().outlier()).orElse(true)) {
          parsed.add(pdu);
        }
      } catch (ReceivedEvents.BadEvent e) {
        log.debug("backfilled event dropped room={}: {}", roomId, e.getMessage());
      }
    }
    received.prefetch(parsed);
    Map<String, Pdu> events = new LinkedHashMap<>();
    for (Pdu pdu : parsed) {
      try {
        events.put(pdu.eventId(), received.verify(pdu));
      } catch (ReceivedEvents.BadEvent e) {
        log.info("backfilled event dropped room={}: {}", roomId, e.getMessage());
      }
    }
    Map<String, String> rejected = AuthChainCheck.check(events, pool::event, create);
    rejected.forEach((id, reason) -> log.info("backfilled event fails auth, dropped room={} event={}: {}", roomId,
        id, reason));
    events.keySet().removeAll(rejected.keySet());
    return events;
  }

  // The events reachable from the starting events through prev_events, oldest first (topological, then depth).
  private static List<Pdu> connectedOldestFirst(Map<String, Pdu> events, Collection<String> from) {
    Set<String> reachable = new HashSet<>();
    Deque<String> walk = new ArrayDeque<>();
    for (String start : from) {
      Pdu event = events.get(start);
      if (event != null) {
        walk.addAll(event.prevEventIds());
        reachable.add(start);
      } else {
        walk.add(start);
      }
    }
    // The starting events are usually ours already; their ancestors in the answer are what we want.
    while (!walk.isEmpty()) {
      String id = walk.removeFirst();
      Pdu event = events.get(id);
      if (event != null && reachable.add(id)) {
        walk.addAll(event.prevEventIds());
      }
    }
    Map<String, Integer> parentsInside = new HashMap<>();
    Map<String, List<String>> children = new HashMap<>();
    for (String id : reachable) {
      int inside = 0;
      for (String prev : events.get(id).prevEventIds()) {
        if (reachable.contains(prev)) {
          inside++;
          children.computeIfAbsent(prev, k -> new ArrayList<>()).add(id);
        }
      }
      parentsInside.put(id, inside);
    }
    Comparator<Pdu> order = Comparator.comparingLong(Pdu::depth).thenComparing(Pdu::eventId);
    List<Pdu> ready = new ArrayList<>();
    parentsInside.forEach((id, n) -> {
      if (n == 0) {
        ready.add(events.get(id));
      }
    });
    List<Pdu> ordered = new ArrayList<>();
    while (!ready.isEmpty()) {
      ready.sort(order);
      Pdu next = ready.remove(0);
      ordered.add(next);
      for (String child : children.getOrDefault(next.eventId(), List.of())) {
        if (parentsInside.merge(child, -1, Integer::sum) == 0) {
          ready.add(events.get(child));
        }
      }
    }
    return ordered;
  }

  private History withState(String server, RoomVersion version, String roomId, List<Pdu> ordered, EventPool pool,
      Pdu create) {
    ordered.forEach(pool::add);
    Map<String, Map<StateKey, String>> stateAfter = new HashMap<>();
    Set<String> kept = new HashSet<>();
    List<Pdu> outliers = new ArrayList<>();
    List<PersistRequest> requests = new ArrayList<>();
    int stateFetches = 0;
    for (Pdu event : ordered) {
      List<Map<StateKey, String>> prevStates = new ArrayList<>();
      String basePrev = null;
      boolean missing = false;
      for (String prev : event.prevEventIds()) {
        Optional<Map<StateKey, String>> state = kept.contains(prev)
            ? Optional.of(stateAfter.get(prev))
            : store.event(prev).filter(e -> !e.status().outlier()).flatMap(e -> store.stateAfter(prev));
        if (state.isEmpty()) {
          missing = true;
        } else {
          prevStates.add(state.get());
          basePrev = basePrev == null ? prev : basePrev;
        }
      }
      Map<StateKey, String> before;
      if (!missing) {
        before = StateResolver.resolve(version, prevStates, pool);
      } else if (stateFetches < MAX_STATE_FETCHES) {
        stateFetches++;
        Optional<Map<StateKey, String>> fetched = stateAt(server, version, roomId, event, pool, create, outliers);
        if (fetched.isEmpty()) {
          continue;
        }
        before = fetched.get();
      } else {
        log.debug("backfilled event without known state dropped room={} event={}", roomId, event.eventId());
        continue;
      }
      String rejection = authAgainst(event, before, pool, create);
      EventStatus status = rejection == null ? EventStatus.ACCEPTED : EventStatus.rejected(rejection);
      Map<StateKey, String> after = before;
      if (rejection == null && event.stateSlot().isPresent()) {
        after = new HashMap<>(before);
        after.put(event.stateSlot().get(), event.eventId());
      }
      StateBefore stateBefore = event.prevEventIds().size() == 1 && !missing
          ? StateBefore.afterEvent(basePrev)
          : StateBefore.resolved(before, basePrev);
      requests.add(new PersistRequest(event, status, stateBefore, CurrentStateUpdate.unchanged(), Optional.empty()));
      stateAfter.put(event.eventId(), after);
      kept.add(event.eventId());
    }
    log.info("backfilled room={} server={} events={} state_events_fetched={}", roomId, server, requests.size(),
        outliers.size());
    return new History(outliers, requests);
  }

  // The auth rules against the state before the event (spec step 5), with the slots they read.
  private static String authAgainst(Pdu event, Map<StateKey, String> before, EventPool pool, Pdu create) {
    Map<StateKey, Pdu> authState = new HashMap<>();
    for (StateKey slot : AuthRules.authEventTypes(event)) {
      String id = before.get(slot);
      if (id != null) {
        pool.event(id).ifPresent(e -> authState.put(slot, e));
      }
    }
    authState.putIfAbsent(StateKey.of("m.room.create", ""), create);
    AuthResult result = AuthRules.authorize(event, authState);
    return result instanceof AuthResult.Rejected r ? r.reason() : null;
  }

  /**
   * The state before {@code event} as {@code server} has it ({@code state_ids}), with state events we lack fetched,
   * checked and added to {@code outliers}. Empty if it cannot be had; events that cannot be fetched or fail their
   * checks are left out of the state.
   */
  private Optional<Map<StateKey, String>> stateAt(String server, RoomVersion version, String roomId, Pdu event,
      EventPool pool, Pdu create, List<Pdu> outliers) {
    JsonNode answer;
    try {
      answer = client.get(server, "/_matrix/federation/v1/state_ids/" + PathSegment.encode(roomId) + "?event_id="
          + PathSegment.encode(event.eventId()));
    } catch (RemoteServerException e) {
      log.info("state_ids for backfill failed room={} server={}: {}", roomId, server, e.getMessage());
      return Optional.empty();
    }
    Map<StateKey, String> state = new HashMap<>();
    int fetches = 0;
    for (JsonNode idNode : ReceivedEvents.array(answer, "pdu_ids")) {
      if (!idNode.isTextual()) {
        continue;
      }
      String id = idNode.textValue();
      Optional<Pdu> known = pool.event(id);
      if (known.isEmpty() && fetches < MAX_EVENT_FETCHES) {
        fetches++;
        known = fetchEvent(server, version, roomId, id, pool, create);
        known.ifPresent(outliers::add);
      }
      known.flatMap(Pdu::stateSlot).ifPresent(slot -> state.put(slot, id));
    }
    state.putIfAbsent(StateKey.of("m.room.create", ""), create.eventId());
    return Optional.of(state);
  }

  private Optional<Pdu> fetchEvent(String server, RoomVersion version, String roomId, String eventId,
      EventPool pool, Pdu create) {
    try {
      JsonNode answer = client.get(server, "/_matrix/federation/v1/event/" + PathSegment.encode(eventId));
      List<JsonNode> pdus = ReceivedEvents.array(answer, "pdus");
      if (pdus.isEmpty()) {
        return Optional.empty();
      }
      Pdu pdu = received.verify(ReceivedEvents.parse(version, roomId, pdus.get(0)));
      if (!pdu.eventId().equals(eventId)) {
        return Optional.empty();
      }
      Map<String, String> rejected = AuthChainCheck.check(Map.of(eventId, pdu), pool::event, create);
      if (!rejected.isEmpty()) {
        log.info("state event for backfill fails auth room={} event={}: {}", roomId, eventId, rejected.get(eventId));
        return Optional.empty();
      }
      pool.add(pdu);
      return Optional.of(pdu);
    } catch (RemoteServerException | ReceivedEvents.BadEvent e) {
      log.info("state event for backfill unavailable room={} event={}: {}", roomId, eventId, e.getMessage());
      return Optional.empty();
    }
  }
}
