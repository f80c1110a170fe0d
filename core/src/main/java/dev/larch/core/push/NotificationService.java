package dev.larch.core.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.StateKey;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.ClientEvents;
import dev.larch.core.room.Direction;
import dev.larch.core.room.Membership;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /notifications}: the events a user has been, or would have been, notified about, newest first, each
 * with the rule's actions and whether the user has read it.
 *
 * <p>Spec: client-server API v1.11, {@code GET /notifications} ({@code from}, {@code limit},
 * {@code only=highlight}; {@code next_token} absent on the last page).
 *
 * <p>Worked out when asked, as the unread counts in {@code /sync} are ({@link NotificationCounter}), rather than
 * recorded per recipient when an event is sent: a message in a room of N local users would otherwise cost N rows
 * on the send path, for an endpoint few clients call. The user's rules are evaluated, with the room's current state
 * ({@link RoomPushState}), on the events of each room they are joined to from their join on (and on the invite that
 * led to it), and on the invite event of each room they are invited to. A page scans at most {@value #SCAN} events
 * per room (by default); when that does not fill it, the page ends early with a {@code next_token} to go on from.
 * {@code ts} is the event's {@code origin_server_ts}. {@code read} comes from the same read receipts as the unread
 * counts ({@link NotificationCounter#readPosition}). Nothing is sent to push gateways.
 */
public final class NotificationService {
  /** {@code limit} when the request has none. */
  public static final int DEFAULT_LIMIT = 50;
  /** The most notifications in one page. */
  public static final int MAX_LIMIT = 1000;
  /** The most events of one room evaluated for one page. */
  public static final int SCAN = 500;

  private final NotificationCounter counter;
  private final PushRuleService rules;
  private final RoomStore rooms;
  private final ClientEvents events;
  private final int scan;

  public NotificationService(NotificationCounter counter, PushRuleService rules, RoomStore rooms,
      ClientEvents events) {
    this(counter, rules, rooms, events, SCAN);
  }

  /** As above, evaluating at most {@code scan} events of a room for one page. */
  public NotificationService(NotificationCounter counter, PushRuleService rules, RoomStore rooms,
      ClientEvents events, int scan) {
    if (scan < 1) {
      throw new IllegalArgumentException("scan must be positive");
    }
    this.scan = scan;
    this.counter = Objects.requireNonNull(counter, "counter");
    this.rules = Objects.requireNonNull(rules, "rules");
    this.rooms = Objects.requireNonNull(rooms, "rooms");
    this.events = Objects.requireNonNull(events, "events");
  }

  private record Found(StoredEvent event, JsonNode actions) {}

  /**
   * One page of {@code userId}'s notifications, as seen by {@code deviceId}.
   *
   * @param from a {@code next_token} of an earlier page, or null for the newest
   * @param limit the page size, or null for {@value #DEFAULT_LIMIT}
   * @param only null, or {@code highlight} for highlighted notifications only
   */
  public ObjectNode notifications(String userId, String deviceId, String from, Integer limit, String only) {
    long before = from == null || from.isEmpty() ? Long.MAX_VALUE : token(from);
    int size = limit == null ? DEFAULT_LIMIT : limit;
    if (size < 0) {
      throw MatrixException.invalidParam("limit must not be negative");
    }
    size = Math.min(size, MAX_LIMIT);
    if (only != null && !only.isEmpty() && !"highlight".equals(only)) {
      throw MatrixException.invalidParam("only must be highlight");
    }
    boolean onlyHighlight = "highlight".equals(only);
    ObjectNode global = rules.global(userId);
    List<Found> found = new ArrayList<>();
    // Everything at or above floor has been evaluated in every room; a room cut short by the scan raises it.
    long floor = 0;
    for (Membership membership : rooms.membershipsOf(userId)) {
      floor = Math.max(floor, evaluateRoom(userId, membership, global, before, onlyHighlight, found));
    }
    long bound = floor;
    List<Found> page = new ArrayList<>(found.stream().filter(f -> f.event().streamPosition() >= bound)
        .sorted(Comparator.comparingLong((Found f) -> f.event().streamPosition()).reversed()).toList());
    String next = floor > 0 ? Long.toString(floor) : null;
    if (page.size() > size) {
      page = page.subList(0, size);
      next = size == 0 ? null : Long.toString(page.get(size - 1).event().streamPosition());
    }
    return render(userId, deviceId, page, next);
  }

  /**
   * Evaluates {@code userId}'s rules on the events of one room below {@code before} and adds what notifies; the
   * lowest position evaluated if the room has older events still to evaluate, else 0.
   */
  private long evaluateRoom(String userId, Membership membership, ObjectNode global, long before, boolean onlyHighlight,
      List<Found> found) {
    String roomId = membership.roomId();
    List<StoredEvent> candidates = new ArrayList<>();
    long lowest = 0;
    if ("join".equals(membership.membership())) {
      long joinedAt = membership.streamPosition();
      long toInclusive = before == Long.MAX_VALUE ? Long.MAX_VALUE : before - 1;
      if (toInclusive >= joinedAt) {
        candidates.addAll(rooms.eventsInStreamRange(roomId, joinedAt - 1, toInclusive, scan, Direction.BACKWARDS));
      }
      if (candidates.size() == scan) {
        lowest = candidates.get(scan - 1).streamPosition();
      } else {
        invite(userId, membership.eventId()).filter(e -> e.streamPosition() < before).ifPresent(candidates::add);
      }
    } else if ("invite".equals(membership.membership()) && membership.streamPosition() < before) {
      rooms.event(membership.eventId()).ifPresent(candidates::add);
    }
    RoomPushState context = null;
    for (StoredEvent event : candidates) {
      if (userId.equals(event.pdu().sender())) {
        continue;
      }
      if (context == null) {
        context = RoomPushState.current(rooms, roomId);
      }
      ObjectNode json = event.pdu().json();
      JsonNode rule = PushEvaluator.matchingRule(global, json, context.contextFor(userId, json));
      if (rule == null) {
        continue;
      }
      PushActions actions = PushEvaluator.actions(rule.path("rule_id").asText(), rule.path("actions"));
      if (actions.notifies() && (!onlyHighlight || actions.highlight())) {
        found.add(new Found(event, rule.path("actions")));
      }
    }
    return lowest;
  }

  /** The invite that {@code userId}'s join event followed, if it did follow one. */
  private Optional<StoredEvent> invite(String userId, String joinEventId) {
    return rooms.stateBefore(joinEventId)
        .map(state -> state.get(StateKey.of("m.room.member", userId)))
        .flatMap(rooms::event)
        .filter(e -> "invite".equals(e.pdu().membership()));
  }

  private ObjectNode render(String userId, String deviceId, List<Found> page, String next) {
    List<ObjectNode> formatted = events.format(page.stream().map(Found::event).toList(), userId, deviceId);
    Map<String, Long> readUpTo = new HashMap<>();
    ObjectNode out = JsonMapper.shared().createObjectNode();
    ArrayNode list = out.putArray("notifications");
    for (int i = 0; i < page.size(); i++) {
      StoredEvent event = page.get(i).event();
      String roomId = event.pdu().roomId();
      long read = readUpTo.computeIfAbsent(roomId, room -> counter.readPosition(userId, room));
      JsonNode actions = page.get(i).actions();
      ObjectNode entry = list.addObject();
      entry.set("actions", actions.isArray() ? actions.deepCopy() : JsonMapper.shared().createArrayNode());
      entry.set("event", formatted.get(i));
      entry.put("read", event.streamPosition() <= read);
      entry.put("room_id", roomId);
      entry.put("ts", event.pdu().json().path("origin_server_ts").asLong(0));
    }
    if (next != null) {
      out.put("next_token", next);
    }
    return out;
  }

  private static long token(String from) {
    try {
      long position = Long.parseLong(from);
      if (position < 0) {
        throw new NumberFormatException();
      }
      return position;
    } catch (NumberFormatException e) {
      throw MatrixException.invalidParam("Unknown from token");
    }
  }
}
