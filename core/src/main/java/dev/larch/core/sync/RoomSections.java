package dev.larch.core.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.filter.Filter;
import dev.larch.core.filter.RoomEventFilter;
import dev.larch.core.receipt.ReceiptService;
import dev.larch.core.room.Direction;
import dev.larch.core.room.HistoryVisibility;
import dev.larch.core.room.Membership;
import dev.larch.core.room.PaginationToken;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.sync.SyncResult.JoinedRoom;
import dev.larch.core.sync.SyncResult.LeftRoom;
import dev.larch.core.sync.SyncResult.Summary;
import dev.larch.core.sync.SyncResult.Timeline;
import dev.larch.core.typing.TypingService;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds one room's part of a sync response: its timeline, state, ephemeral events and summary, for a joined room
 * or a room left since the token.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#syncing">client-server API v1.11,
 * "Syncing"</a> and "Lazy-loading room members". For each room:
 *
 * <ol>
 *   <li>Timeline: the newest events after the token (all, for a first sync) up to the response's position (a left
 *       room: up to the leave), that match the timeline filter and that the user may see, at most the limit;
 *       {@code limited} if more were left out; {@code prev_batch} the topological token of the first one.
 *   <li>State: the full state at the timeline's start when the room is new to the client (initial sync,
 *       {@code full_state}, joined since the token); otherwise only the slots that differ between the state at the
 *       token and the state at the timeline's start.
 *   <li>Lazy loading: member events only for the timeline's senders and the user.
 * </ol>
 */
final class RoomSections {
  static final int DEFAULT_TIMELINE_LIMIT = 10;
  static final int MAX_TIMELINE_LIMIT = 1000;
  // Pages read while looking for events that pass the filter and history visibility, bounding one room's cost.
  private static final int MAX_PAGES = 5;
  private static final int MAX_HEROES = 5;

  private final RoomStore rooms;
  private final HistoryVisibility visibility;
  private final TypingService typing;
  private final ReceiptService receipts;

  RoomSections(RoomStore rooms, TypingService typing, ReceiptService receipts) {
    this.rooms = rooms;
    this.visibility = new HistoryVisibility(rooms);
    this.typing = typing;
    this.receipts = receipts;
  }

  /** The joined room's section, or null if nothing in it changed since the token. */
  JoinedRoom joined(
      SyncRequest request, Membership membership, SyncToken now, List<ObjectNode> roomAccountData) {
    String roomId = membership.roomId();
    Filter filter = request.filter();
    SyncToken since = request.since();
    boolean full = since == null || request.fullState() || membership.streamPosition() > since.events();
    long from = since == null ? 0 : Math.min(since.events(), now.events());
    HistoryVisibility.Viewer viewer = visibility.viewer(request.userId(), roomId);
    Timeline timeline = timeline(viewer, roomId, from, now.events(), filter.room().timeline(), now);
    List<StoredEvent> state = state(request, roomId, timeline, full, from, now.events());

    List<ObjectNode> ephemeral = new ArrayList<>();
    RoomEventFilter ephemeralFilter = filter.room().ephemeral();
    if (ephemeralFilter.matches(roomId, "m.typing", null, false)) {
      typing.typingEvent(roomId, since == null ? 0 : since.typing()).ifPresent(ephemeral::add);
    }
    if (ephemeralFilter.matches(roomId, "m.receipt", null, false)) {
      long receiptsSince = full ? 0 : Math.min(since.receipts(), now.receipts());
      receipts.receiptEvent(roomId, request.userId(), receiptsSince, now.receipts()).ifPresent(ephemeral::add);
    }
    boolean membersChanged = full || changesMembers(timeline.events()) || changesMembers(state);
    Summary summary = membersChanged ? summary(roomId, request.userId()) : null;
    if (!full && timeline.events().isEmpty() && state.isEmpty() && ephemeral.isEmpty()
        && roomAccountData.isEmpty()) {
      return null;
    }
    return new JoinedRoom(timeline, state, ephemeral, roomAccountData, summary);
  }

  /** The section of a room the user left (or was kicked or banned from) after the token. */
  LeftRoom left(SyncRequest request, Membership membership, SyncToken now, List<ObjectNode> roomAccountData) {
    String roomId = membership.roomId();
    SyncToken since = request.since();
    long from = since == null ? 0 : Math.min(since.events(), now.events());
    HistoryVisibility.Viewer viewer = visibility.viewer(request.userId(), roomId);
    long until = Math.min(membership.streamPosition(), now.events());
    Timeline timeline = timeline(viewer, roomId, from, until, request.filter().room().timeline(), now);
    boolean wasJoinedAtToken = since != null
        && "join".equals(new MembershipQuery(rooms).in(stateAt(roomId, from), request.userId()));
    boolean full = since == null || request.fullState() || !wasJoinedAtToken;
    List<StoredEvent> state = state(request, roomId, timeline, full, from, until);
    return new LeftRoom(timeline, state, roomAccountData);
  }

  private Timeline timeline(
      HistoryVisibility.Viewer viewer, String roomId, long fromExclusive, long toInclusive, RoomEventFilter filter,
      SyncToken now) {
    int limit = filter.events().limitOr(DEFAULT_TIMELINE_LIMIT, MAX_TIMELINE_LIMIT);
    List<StoredEvent> newestFirst = new ArrayList<>();
    long upper = toInclusive;
    boolean exhausted = fromExclusive >= toInclusive;
    for (int page = 0; page < MAX_PAGES && !exhausted && newestFirst.size() <= limit; page++) {
      int pageSize = page == 0 ? limit + 1 : Math.max(50, limit + 1);
      List<StoredEvent> batch = rooms.eventsInStreamRange(roomId, fromExclusive, upper, pageSize, Direction.BACKWARDS);
      exhausted = batch.size() < pageSize;
      if (batch.isEmpty()) {
        break;
      }
      upper = batch.get(batch.size() - 1).streamPosition() - 1;
      List<StoredEvent> ascending = new ArrayList<>(batch);
      Collections.reverse(ascending);
      ascending.removeIf(e -> !matches(filter, e.pdu()));
      List<StoredEvent> visible = new ArrayList<>(visibility.filter(viewer, ascending));
      Collections.reverse(visible);
      newestFirst.addAll(visible);
      exhausted = exhausted || upper <= fromExclusive;
    }
    boolean limited = newestFirst.size() > limit || !exhausted;
    List<StoredEvent> events = new ArrayList<>(newestFirst.subList(0, Math.min(limit, newestFirst.size())));
    Collections.reverse(events);
    String prevBatch = events.isEmpty()
        ? new PaginationToken.Stream(toInclusive).format()
        : PaginationToken.before(events.get(0)).format();
    return new Timeline(List.copyOf(events), limited, prevBatch);
  }

  private List<StoredEvent> state(
      SyncRequest request, String roomId, Timeline timeline, boolean full, long since, long until) {
    Map<StateKey, String> atStart = timeline.events().isEmpty()
        ? stateAt(roomId, until)
        : rooms.stateBefore(timeline.events().get(0).eventId()).orElse(Map.of());
    Map<StateKey, String> wanted = new HashMap<>();
    if (full) {
      wanted.putAll(atStart);
    } else {
      Map<StateKey, String> atSince = stateAt(roomId, since);
      atStart.forEach((key, eventId) -> {
        if (!eventId.equals(atSince.get(key))) {
          wanted.put(key, eventId);
        }
      });
    }
    RoomEventFilter stateFilter = request.filter().room().state();
    boolean lazy = stateFilter.lazyLoadMembers() || request.filter().room().timeline().lazyLoadMembers();
    if (lazy) {
      Set<String> needed = new HashSet<>();
      needed.add(request.userId());
      timeline.events().forEach(e -> needed.add(e.pdu().sender()));
      wanted.keySet().removeIf(k -> k.type().equals("m.room.member") && !needed.contains(k.stateKey()));
      // The timeline's senders' memberships are sent even if the client may have them (we keep no per-device
      // record of what was sent), as include_redundant_members allows.
      for (String user : needed) {
        StateKey key = StateKey.of("m.room.member", user);
        String eventId = atStart.get(key);
        if (eventId != null && (full || !user.equals(request.userId()) || wanted.containsKey(key))) {
          wanted.put(key, eventId);
        }
      }
    }
    List<StoredEvent> state = new ArrayList<>(rooms.events(wanted.values()));
    state.removeIf(e -> !matches(stateFilter, e.pdu()));
    state.sort(Comparator.comparingLong(StoredEvent::streamPosition));
    return List.copyOf(state);
  }

  /** The room's state after the last client-visible event at or before {@code position}; empty before any. */
  Map<StateKey, String> stateAt(String roomId, long position) {
    if (position <= 0) {
      return Map.of();
    }
    List<StoredEvent> last = rooms.eventsInStreamRange(roomId, 0, position, 1, Direction.BACKWARDS);
    return last.isEmpty() ? Map.of() : rooms.stateAfter(last.get(0).eventId()).orElse(Map.of());
  }

  private Summary summary(String roomId, String userId) {
    List<Membership> members = rooms.members(roomId);
    long joined = members.stream().filter(m -> m.membership().equals("join")).count();
    long invited = members.stream().filter(m -> m.membership().equals("invite")).count();
    Comparator<Membership> order = Comparator.comparingLong(Membership::streamPosition);
    List<String> heroes = members.stream()
        .filter(m -> !m.userId().equals(userId))
        .filter(m -> m.membership().equals("join") || m.membership().equals("invite"))
        .sorted(order)
        .limit(MAX_HEROES)
        .map(Membership::userId)
        .toList();
    if (heroes.isEmpty()) {
      heroes = members.stream()
          .filter(m -> !m.userId().equals(userId))
          .sorted(order)
          .limit(MAX_HEROES)
          .map(Membership::userId)
          .toList();
    }
    return new Summary(heroes, joined, invited);
  }

  private static boolean changesMembers(List<StoredEvent> events) {
    return events.stream().anyMatch(e -> "m.room.member".equals(e.pdu().type()));
  }

  private static boolean matches(RoomEventFilter filter, Pdu pdu) {
    JsonNode url = pdu.content().get("url");
    return filter.matches(pdu.roomId(), pdu.type(), pdu.sender(), url != null && url.isTextual());
  }
}
