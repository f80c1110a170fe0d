package dev.larch.core.federation.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.RoomVersion;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The federation reads the inbound pipeline makes of the server that sent it an event: missing prev events, the
 * state at an event, single events and auth chains. Events in the answers are wrapped for the room and
 * format-checked ({@link PduFormat}); those that fail are left out and logged, never trusted. Signatures and auth are
 * the caller's business.
 *
 * <p>Spec: server-server API, "Retrieving events" ({@code GET /event/{eventId}}, {@code GET /state_ids/{roomId}}),
 * "Backfilling and retrieving missing events" ({@code POST /get_missing_events/{roomId}}), "Retrieving event
 * authorization information" ({@code GET /event_auth/{roomId}/{eventId}}). Remote failures are
 * {@link RemoteServerException}s, as the {@link FederationClient} throws them.
 */
final class RemoteEvents {
  private static final Logger log = LoggerFactory.getLogger(RemoteEvents.class);
  private static final String PREFIX = "/_matrix/federation/v1/";

  private final FederationClient client;

  RemoteEvents(FederationClient client) {
    this.client = client;
  }

  /** The state before an event: its state event IDs and their auth chain's, as {@code /state_ids} gives them. */
  record StateIds(List<String> pduIds, List<String> authChainIds) {}

  /**
   * {@code POST /get_missing_events}: up to {@code limit} events before {@code latest}, stopping at
   * {@code earliest}, oldest first (by depth).
   */
  List<Pdu> missingEvents(String origin, String roomId, RoomVersion version, Collection<String> earliest,
      Collection<String> latest, int limit) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    earliest.forEach(body.putArray("earliest_events")::add);
    latest.forEach(body.putArray("latest_events")::add);
    body.put("limit", limit);
    body.put("min_depth", 0);
    JsonNode answer = client.request(origin, "POST", PREFIX + "get_missing_events/" + segment(roomId), body);
    List<Pdu> events = events(origin, roomId, version, answer.get("events"), "get_missing_events");
    events.sort(java.util.Comparator.comparingLong(Pdu::depth));
    return events;
  }

  /** {@code GET /state_ids}: the state before {@code eventId} as event IDs. */
  StateIds stateIds(String origin, String roomId, String eventId) {
    JsonNode answer = client.get(origin, PREFIX + "state_ids/" + segment(roomId) + "?event_id=" + segment(eventId));
    return new StateIds(ids(origin, answer.get("pdu_ids")), ids(origin, answer.get("auth_chain_ids")));
  }

  /** {@code GET /event}: the event, if the answer holds a valid event of this room with exactly that ID. */
  Optional<Pdu> event(String origin, String roomId, RoomVersion version, String eventId) {
    JsonNode answer = client.get(origin, PREFIX + "event/" + segment(eventId));
    for (Pdu pdu : events(origin, roomId, version, answer.get("pdus"), "event")) {
      if (pdu.eventId().equals(eventId)) {
        return Optional.of(pdu);
      }
    }
    log.info("remote answered /event without the event asked for origin={} event={}", origin, eventId);
    return Optional.empty();
  }

  /** {@code GET /event_auth}: the auth chain of an event. */
  List<Pdu> authChain(String origin, String roomId, RoomVersion version, String eventId) {
    JsonNode answer = client.get(origin, PREFIX + "event_auth/" + segment(roomId) + "/" + segment(eventId));
    return events(origin, roomId, version, answer.get("auth_chain"), "event_auth");
  }

  private static List<Pdu> events(String origin, String roomId, RoomVersion version, JsonNode array, String what) {
    if (!(array instanceof ArrayNode list)) {
      throw RemoteServerException.badResponse(origin, what + " answer has no event list", null);
    }
    List<Pdu> events = new ArrayList<>(list.size());
    for (JsonNode json : list) {
      Optional<Pdu> pdu = PduFormat.wrap(version, json);
      Optional<String> problem = pdu.isEmpty() ? Optional.of("no event ID") : PduFormat.problem(pdu.get(), roomId);
      if (problem.isPresent()) {
        log.info("dropped an invalid event from {} origin={} room={} reason={}", what, origin, roomId,
            problem.get());
      } else {
        events.add(pdu.get());
      }
    }
    return events;
  }

  private static List<String> ids(String origin, JsonNode array) {
    if (!(array instanceof ArrayNode list)) {
      throw RemoteServerException.badResponse(origin, "state_ids answer lacks an ID list", null);
    }
    List<String> ids = new ArrayList<>(list.size());
    for (JsonNode id : list) {
      if (id.isTextual()) {
        ids.add(id.textValue());
      }
    }
    return ids;
  }

  // One path segment or query value, percent-encoded (space as %20, never +).
  static String segment(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
