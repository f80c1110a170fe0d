package dev.larch.core.federation.events;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.federation.resident.AuthChains;
import dev.larch.core.federation.resident.RoomAccess;
import dev.larch.core.federation.resident.ServerVisibility;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;

/**
 * The read endpoints of room history for other servers: {@code /event}, {@code /state}, {@code /state_ids},
 * {@code /event_auth}, {@code /backfill} and {@code /get_missing_events}.
 *
 * <p>Spec: server-server API v1.11, "Retrieving events", "Backfilling and retrieving missing events". Access as
 * Synapse grants it: the room is here and its ACL allows the origin, and the origin has a joined user in the room
 * now or the room is world-readable ({@link RoomAccess#requireOriginInRoom}: 403 otherwise; 404 for a room this
 * server is not in). Events come out as stored, except those the origin may not see by history visibility, which
 * come out redacted ({@link ServerVisibility}). Rejected events are never served; outliers are, as the spec's
 * {@code /event} serves any event the server has.
 */
public final class FederationEventReads {
  /** The most events one {@code /backfill} returns, whatever {@code limit} asks. */
  public static final int MAX_BACKFILL = 100;
  /** The most events one {@code /get_missing_events} returns. */
  public static final int MAX_MISSING = 100;

  private final RoomStore store;
  private final RoomAccess access;
  private final ServerVisibility visibility;
  private final Clock clock;

  public FederationEventReads(RoomStore store, RoomAccess access, Clock clock) {
    this.store = store;
    this.access = access;
    this.visibility = new ServerVisibility(store);
    this.clock = clock;
  }

  /** {@code GET /event/{eventId}}: {@code {origin, origin_server_ts, pdus: [event]}}. */
  public ObjectNode event(String origin, String eventId) {
    StoredEvent event = store.event(eventId).filter(e -> !e.status().rejected())
        .orElseThrow(() -> MatrixException.notFound("Unknown event " + eventId));
    access.requireOriginInRoom(event.pdu().roomId(), origin);
    return transaction(visibility.filter(origin, List.of(event)));
  }

  /** {@code GET /state/{roomId}?event_id=}: the state before the event, and its auth chain. */
  public ObjectNode state(String origin, String roomId, String eventId) {
    List<StoredEvent> state = stateAt(origin, roomId, eventId);
    ObjectNode out = JsonMapper.shared().createObjectNode();
    ArrayNode pdus = out.putArray("pdus");
    state.forEach(e -> pdus.add(e.pdu().json()));
    ArrayNode chain = out.putArray("auth_chain");
    AuthChains.of(store, pdus(state)).forEach(e -> chain.add(e.pdu().json()));
    return out;
  }

  /** {@code GET /state_ids/{roomId}?event_id=}: the IDs of {@link #state}. */
  public ObjectNode stateIds(String origin, String roomId, String eventId) {
    List<StoredEvent> state = stateAt(origin, roomId, eventId);
    ObjectNode out = JsonMapper.shared().createObjectNode();
    ArrayNode pdus = out.putArray("pdu_ids");
    state.forEach(e -> pdus.add(e.eventId()));
    ArrayNode chain = out.putArray("auth_chain_ids");
    AuthChains.of(store, pdus(state)).forEach(e -> chain.add(e.eventId()));
    return out;
  }

  /** {@code GET /event_auth/{roomId}/{eventId}}: {@code {auth_chain}} of the event. */
  public ObjectNode eventAuth(String origin, String roomId, String eventId) {
    access.requireOriginInRoom(roomId, origin);
    StoredEvent event = roomEvent(roomId, eventId);
    ObjectNode out = JsonMapper.shared().createObjectNode();
    ArrayNode chain = out.putArray("auth_chain");
    AuthChains.of(store, List.of(event.pdu())).forEach(e -> chain.add(e.pdu().json()));
    return out;
  }

  /**
   * {@code GET /backfill/{roomId}?v=...&limit=}: the events from {@code from} backwards through prev events, the
   * deepest first (breadth-first by depth, as Synapse walks), {@code from} included, at most {@code limit}.
   */
  public ObjectNode backfill(String origin, String roomId, Collection<String> from, int limit) {
    access.requireOriginInRoom(roomId, origin);
    if (from.isEmpty()) {
      throw MatrixException.missingParam("backfill needs at least one v (event ID)");
    }
    int max = Math.max(0, Math.min(limit, MAX_BACKFILL));
    PriorityQueue<StoredEvent> queue = new PriorityQueue<>(
        Comparator.comparingLong(StoredEvent::depth).reversed().thenComparing(StoredEvent::eventId));
    Set<String> seen = new HashSet<>(from);
    queue.addAll(servable(roomId, store.events(from)));
    List<StoredEvent> out = new ArrayList<>();
    while (!queue.isEmpty() && out.size() < max) {
      StoredEvent event = queue.poll();
      out.add(event);
      List<String> prevs = new ArrayList<>();
      for (String prev : event.pdu().prevEventIds()) {
        if (seen.add(prev)) {
          prevs.add(prev);
        }
      }
      queue.addAll(servable(roomId, store.events(prevs)));
    }
    return transaction(visibility.filter(origin, out));
  }

  /**
   * {@code POST /get_missing_events/{roomId}}: walking back from {@code latest} (excluded) through prev events,
   * the events not in {@code earliest} nor before them, at least {@code minDepth} deep, at most {@code limit},
   * oldest first.
   */
  public ObjectNode missingEvents(String origin, String roomId, List<String> earliest, List<String> latest,
      int limit, long minDepth) {
    access.requireOriginInRoom(roomId, origin);
    int max = Math.max(0, Math.min(limit, MAX_MISSING));
    Set<String> seen = new HashSet<>(earliest);
    seen.addAll(latest);
    List<String> frontier = new ArrayList<>();
    for (StoredEvent event : servable(roomId, store.events(latest))) {
      frontier.addAll(event.pdu().prevEventIds());
    }
    List<StoredEvent> found = new ArrayList<>();
    while (!frontier.isEmpty() && found.size() < max) {
      List<String> next = new ArrayList<>();
      List<String> level = new ArrayList<>();
      for (String id : frontier) {
        if (seen.add(id)) {
          level.add(id);
        }
      }
      for (StoredEvent event : servable(roomId, store.events(level))) {
        if (found.size() >= max) {
          break;
        }
        if (event.depth() < minDepth) {
          continue;
        }
        found.add(event);
        next.addAll(event.pdu().prevEventIds());
      }
      frontier = next;
    }
    found.sort(Comparator.comparingLong(StoredEvent::depth).thenComparing(StoredEvent::eventId));
    ObjectNode out = JsonMapper.shared().createObjectNode();
    ArrayNode events = out.putArray("events");
    visibility.filter(origin, found).forEach(pdu -> events.add(pdu.json()));
    return out;
  }

  // The state before an event of the room, in state-key order.
  private List<StoredEvent> stateAt(String origin, String roomId, String eventId) {
    access.requireOriginInRoom(roomId, origin);
    StoredEvent event = roomEvent(roomId, eventId);
    Map<StateKey, String> state = store.stateBefore(event.eventId())
        .orElseThrow(() -> MatrixException.notFound("This server does not know the state at " + eventId));
    List<StoredEvent> events = new ArrayList<>(store.events(state.values()));
    events.sort(Comparator.comparing((StoredEvent e) -> e.pdu().stateSlot().orElseThrow()));
    return events;
  }

  private StoredEvent roomEvent(String roomId, String eventId) {
    return store.event(eventId)
        .filter(e -> roomId.equals(e.pdu().roomId()) && !e.status().rejected())
        .orElseThrow(() -> MatrixException.notFound("Unknown event " + eventId + " in room " + roomId));
  }

  // Events of the room that may be served: not rejected, not of another room.
  private static List<StoredEvent> servable(String roomId, List<StoredEvent> events) {
    return events.stream().filter(e -> roomId.equals(e.pdu().roomId()) && !e.status().rejected()).toList();
  }

  private static List<Pdu> pdus(List<StoredEvent> events) {
    return events.stream().map(StoredEvent::pdu).toList();
  }

  // The transaction shape of /event and /backfill.
  private ObjectNode transaction(List<Pdu> pdus) {
    ObjectNode out = JsonMapper.shared().createObjectNode();
    out.put("origin", access.serverName());
    out.put("origin_server_ts", clock.millis());
    ArrayNode array = out.putArray("pdus");
    pdus.forEach(pdu -> array.add(pdu.json()));
    return out;
  }
}
