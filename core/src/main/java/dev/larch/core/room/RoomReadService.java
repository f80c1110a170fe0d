package dev.larch.core.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.StateKey;
import dev.larch.core.filter.RoomEventFilter;
import dev.larch.core.id.EventId;
import dev.larch.core.id.RoomId;
import dev.larch.core.json.JsonMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reading rooms as a client: one event, the state, the members, history pages and an event's context. Every read
 * goes through {@link HistoryVisibility}, so a user never sees an event or a room state that is not theirs to see.
 *
 * <p>Spec: client-server API, {@code GET /rooms/{roomId}/event/{eventId}}, {@code /state}, {@code /state/{type}/{key}},
 * {@code /members}, {@code /joined_members}, {@code /messages}, {@code /context/{eventId}}; "History visibility".
 */
public final class RoomReadService {
  /** The most events one page returns, whatever the client asks. */
  static final int MAX_LIMIT = 1000;

  private final RoomStore store;
  private final HistoryVisibility visibility;
  private final ClientEvents clientEvents;
  private volatile RemoteHistory remoteHistory = RemoteHistory.NONE;

  public RoomReadService(RoomStore store, HistoryVisibility visibility, ClientEvents clientEvents) {
    this.store = store;
    this.visibility = visibility;
    this.clientEvents = clientEvents;
  }

  /** Where history older than the earliest event held comes from (set once at wiring, with federation). */
  public void useRemoteHistory(RemoteHistory history) {
    this.remoteHistory = java.util.Objects.requireNonNull(history, "history");
  }

  /** A {@code /messages} answer: {@code end} is null when no further events are available. */
  public record Messages(String start, String end, List<ObjectNode> chunk, List<ObjectNode> state) {}

  /** A {@code /context} answer. */
  public record Context(
      ObjectNode event, List<ObjectNode> eventsBefore, List<ObjectNode> eventsAfter, List<ObjectNode> state,
      String start, String end) {}

  /** {@code GET /rooms/{roomId}/event/{eventId}}: {@code M_NOT_FOUND} unless the event exists and is visible. */
  public ObjectNode event(String userId, String deviceId, String roomId, String eventId) {
    RoomId.parse(roomId);
    EventId.parse(eventId);
    HistoryVisibility.Viewer viewer = visibility.viewer(userId, roomId);
    StoredEvent event = store.event(eventId)
        .filter(e -> visibility.canSee(viewer, e))
        .orElseThrow(() -> MatrixException.notFound("Event not found"));
    return clientEvents.format(event, userId, deviceId);
  }

  /** {@code GET /rooms/{roomId}/state}: the current state, or the state when the user left. */
  public List<ObjectNode> state(String userId, String deviceId, String roomId) {
    Map<StateKey, String> state = readableState(visibility.viewer(userId, roomId));
    return clientEvents.format(store.events(state.values()), userId, deviceId);
  }

  /** {@code GET /rooms/{roomId}/state/{eventType}/{stateKey}}: one state event ({@code M_NOT_FOUND} if unset). */
  public StoredEvent stateEvent(String userId, String roomId, String type, String stateKey) {
    Map<StateKey, String> state = readableState(visibility.viewer(userId, roomId));
    return Optional.ofNullable(state.get(StateKey.of(type, stateKey)))
        .flatMap(store::event)
        .orElseThrow(() -> MatrixException.notFound("No " + type + " state event with that state key"));
  }

  /** The client format of a stored event for this device. */
  public ObjectNode format(StoredEvent event, String userId, String deviceId) {
    return clientEvents.format(event, userId, deviceId);
  }

  /**
   * {@code GET /rooms/{roomId}/members}: member events at {@code at} (a pagination token, or null for now), keeping
   * only {@code membership} and leaving out {@code notMembership} when given.
   */
  public List<ObjectNode> members(
      String userId, String deviceId, String roomId, String at, String membership, String notMembership) {
    HistoryVisibility.Viewer viewer = visibility.viewer(userId, roomId);
    Map<StateKey, String> state = readableState(viewer);
    if (at != null) {
      Optional<StoredEvent> atEvent = eventAt(roomId, PaginationToken.parse(at));
      if (atEvent.isPresent() && visibility.canSee(viewer, atEvent.get())) {
        state = store.stateAfter(atEvent.get().eventId()).orElse(state);
      }
    }
    List<String> ids = state.entrySet().stream()
        .filter(e -> e.getKey().type().equals("m.room.member"))
        .map(Map.Entry::getValue)
        .toList();
    List<StoredEvent> members = store.events(ids).stream()
        .filter(e -> membership == null || membership.equals(e.pdu().membership()))
        .filter(e -> notMembership == null || !notMembership.equals(e.pdu().membership()))
        .toList();
    return clientEvents.format(members, userId, deviceId);
  }

  /** {@code GET /rooms/{roomId}/joined_members}: for members only; user ID to display name and avatar. */
  public Map<String, Map<String, String>> joinedMembers(String userId, String roomId) {
    RoomId.parse(roomId);
    if (!visibility.viewer(userId, roomId).isJoined()) {
      throw MatrixException.forbidden("You are not in this room");
    }
    List<String> ids = store.members(roomId).stream()
        .filter(m -> "join".equals(m.membership()))
        .map(Membership::eventId)
        .toList();
    Map<String, Map<String, String>> joined = new LinkedHashMap<>();
    for (StoredEvent member : store.events(ids)) {
      Map<String, String> profile = new LinkedHashMap<>();
      JsonNode name = member.pdu().content().get("displayname");
      JsonNode avatar = member.pdu().content().get("avatar_url");
      if (name != null && name.isTextual()) {
        profile.put("display_name", name.textValue());
      }
      if (avatar != null && avatar.isTextual()) {
        profile.put("avatar_url", avatar.textValue());
      }
      joined.put(member.pdu().stateKey(), profile);
    }
    return joined;
  }

  /**
   * {@code GET /rooms/{roomId}/messages}.
   *
   * @param from a token, or null for the newest ({@code BACKWARDS}) or oldest ({@code FORWARDS}) visible event
   * @param to a token to stop at, or null
   * @param limit the page size the client asked for (0: the default of 10)
   */
  public Messages messages(
      String userId, String deviceId, String roomId, String from, String to, Direction dir, int limit,
      RoomEventFilter filter) {
    HistoryVisibility.Viewer viewer = visibility.viewer(userId, roomId);
    requireReadable(viewer);
    int pageSize = pageSize(limit, filter);
    String start;
    TopologicalPosition position;
    if (from == null) {
      start = dir == Direction.BACKWARDS
          ? new PaginationToken.Stream(store.latestStreamPosition()).format()
          : new PaginationToken.Topological(new TopologicalPosition(0, 0)).format();
      position = dir == Direction.BACKWARDS ? TopologicalPosition.END : TopologicalPosition.START;
    } else {
      start = from;
      position = startPosition(roomId, PaginationToken.parse(from), dir);
    }
    TopologicalPosition bound = to == null ? null : boundPosition(roomId, PaginationToken.parse(to));
    TimelineScan scan = new TimelineScan(store, roomId, dir, bound,
        e -> visibility.canSee(viewer, e) && matches(filter, e));
    TimelineScan.Page page = scan.page(position, pageSize);
    // Paging back reached the earliest event held: other servers in the room may have what came before it.
    if (dir == Direction.BACKWARDS && page.exhausted() && bound == null && backfilled(roomId, pageSize)) {
      page = scan.page(position, pageSize);
    }
    List<ObjectNode> state = filter.lazyLoadMembers() && !page.events().isEmpty()
        ? memberStateFor(page.events(), userId, deviceId)
        : List.of();
    // The gap beyond the last event read: paging on continues there, and paging back returns the page again.
    String end = page.exhausted()
        ? null
        : (dir == Direction.BACKWARDS
                ? PaginationToken.justBefore(page.last())
                : PaginationToken.justAfter(page.last()))
            .format();
    return new Messages(start, end, clientEvents.format(page.events(), userId, deviceId), state);
  }

  // Asks for history before the room's earliest client-visible event, unless that is where the room begins.
  private boolean backfilled(String roomId, int limit) {
    List<StoredEvent> oldest = store.eventsAfter(roomId, TopologicalPosition.START, 1);
    if (oldest.isEmpty() || "m.room.create".equals(oldest.get(0).pdu().type())) {
      return false;
    }
    return remoteHistory.backfill(roomId, oldest.get(0), limit);
  }

  /** {@code GET /rooms/{roomId}/context/{eventId}}: the event with up to {@code limit} visible events around it. */
  public Context context(
      String userId, String deviceId, String roomId, String eventId, int limit, RoomEventFilter filter) {
    RoomId.parse(roomId);
    EventId.parse(eventId);
    HistoryVisibility.Viewer viewer = visibility.viewer(userId, roomId);
    StoredEvent target = store.event(eventId)
        .filter(e -> visibility.canSee(viewer, e))
        .orElseThrow(() -> MatrixException.notFound("Event not found"));
    int total = Math.min(limit <= 0 ? 10 : limit, MAX_LIMIT);
    int beforeCount = total / 2;
    int afterCount = total - beforeCount;
    java.util.function.Predicate<StoredEvent> wanted = e -> visibility.canSee(viewer, e) && matches(filter, e);
    TimelineScan.Page before = new TimelineScan(store, roomId, Direction.BACKWARDS, null, wanted)
        .page(target.topologicalPosition(), beforeCount);
    TimelineScan.Page after = new TimelineScan(store, roomId, Direction.FORWARDS, null, wanted)
        .page(target.topologicalPosition(), afterCount);
    StoredEvent last = after.events().isEmpty() ? target : after.events().get(after.events().size() - 1);
    Map<StateKey, String> stateIds = store.stateAfter(last.eventId()).orElse(Map.of());
    List<StoredEvent> stateEvents = store.events(stateIds.values());
    if (filter.lazyLoadMembers()) {
      Set<String> senders = new LinkedHashSet<>();
      senders.add(target.pdu().sender());
      before.events().forEach(e -> senders.add(e.pdu().sender()));
      after.events().forEach(e -> senders.add(e.pdu().sender()));
      stateEvents = stateEvents.stream()
          .filter(e -> !"m.room.member".equals(e.pdu().type()) || senders.contains(e.pdu().stateKey()))
          .toList();
    }
    TopologicalPosition startPos = before.events().isEmpty() ? target.topologicalPosition() : before.last();
    TopologicalPosition endPos = after.events().isEmpty() ? target.topologicalPosition() : after.last();
    return new Context(
        clientEvents.format(target, userId, deviceId),
        clientEvents.format(before.events(), userId, deviceId),
        clientEvents.format(after.events(), userId, deviceId),
        clientEvents.format(stateEvents, userId, deviceId),
        PaginationToken.justBefore(startPos).format(),
        PaginationToken.justAfter(endPos).format());
  }

  // The member events of the page's senders, in the state after the page's last event.
  private List<ObjectNode> memberStateFor(List<StoredEvent> events, String userId, String deviceId) {
    Set<String> senders = new LinkedHashSet<>();
    events.forEach(e -> senders.add(e.pdu().sender()));
    Map<StateKey, String> state = store.stateAfter(events.get(events.size() - 1).eventId()).orElse(Map.of());
    List<String> ids = new ArrayList<>();
    for (String sender : senders) {
      String id = state.get(StateKey.of("m.room.member", sender));
      if (id != null) {
        ids.add(id);
      }
    }
    return clientEvents.format(store.events(ids), userId, deviceId);
  }

  private static int pageSize(int limit, RoomEventFilter filter) {
    int size = limit <= 0 ? 10 : limit;
    if (filter.events().limit() > 0) {
      size = Math.min(size, filter.events().limit());
    }
    return Math.min(size, MAX_LIMIT);
  }

  private static boolean matches(RoomEventFilter filter, StoredEvent event) {
    JsonNode url = event.pdu().content().get("url");
    return filter.matches(event.pdu().roomId(), event.pdu().type(), event.pdu().sender(),
        url != null && url.isTextual());
  }

  // Where paging starts, as the position the store reads strictly beyond. Both token forms are the gap just after
  // a position p (for s<N>, the newest event at or before N): backwards includes the event at p, forwards starts
  // after it.
  private TopologicalPosition startPosition(String roomId, PaginationToken token, Direction dir) {
    TopologicalPosition p;
    if (token instanceof PaginationToken.Topological t) {
      p = t.position();
    } else {
      Optional<StoredEvent> at = eventAt(roomId, token);
      if (at.isEmpty()) {
        return TopologicalPosition.START;
      }
      p = at.get().topologicalPosition();
    }
    return dir == Direction.BACKWARDS ? new TopologicalPosition(p.depth(), p.streamPosition() + 1) : p;
  }

  private TopologicalPosition boundPosition(String roomId, PaginationToken token) {
    if (token instanceof PaginationToken.Topological t) {
      return t.position();
    }
    return eventAt(roomId, token).map(StoredEvent::topologicalPosition).orElse(TopologicalPosition.START);
  }

  // The newest client-visible event of the room at or before the token's position.
  private Optional<StoredEvent> eventAt(String roomId, PaginationToken token) {
    if (token instanceof PaginationToken.Stream s) {
      return store.eventsInStreamRange(roomId, 0, s.position(), 1, Direction.BACKWARDS).stream().findFirst();
    }
    TopologicalPosition p = ((PaginationToken.Topological) token).position();
    return store.eventsBefore(roomId, new TopologicalPosition(p.depth(), p.streamPosition() + 1), 1).stream()
        .findFirst();
  }

  private void requireReadable(HistoryVisibility.Viewer viewer) {
    RoomId.parse(viewer.roomId());
    if (store.roomVersion(viewer.roomId()).isEmpty()
        || (viewer.membership() == null && !"world_readable".equals(visibility.current(viewer.roomId())))) {
      throw MatrixException.forbidden("You are not allowed to read this room");
    }
  }

  // Joined: current state. Left after joining: the state when they left. World-readable: current state.
  private Map<StateKey, String> readableState(HistoryVisibility.Viewer viewer) {
    RoomId.parse(viewer.roomId());
    if (store.roomVersion(viewer.roomId()).isPresent()) {
      if (viewer.isJoined()) {
        return store.currentState(viewer.roomId());
      }
      if (viewer.leftAfterJoining()) {
        return store.stateAfter(viewer.membershipEventId()).orElse(Map.of());
      }
      if ("world_readable".equals(visibility.current(viewer.roomId()))) {
        return store.currentState(viewer.roomId());
      }
    }
    throw MatrixException.forbidden("You are not allowed to read this room");
  }

  static ObjectNode object() {
    return JsonMapper.shared().createObjectNode();
  }
}
