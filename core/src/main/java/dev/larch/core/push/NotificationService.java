package dev.larch.core.push;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.ClientEvents;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code GET /notifications}: the events a user was notified about, newest first, each with the rule's actions, when
 * it was recorded, and whether the user has read it.
 *
 * <p>Spec: client-server API v1.11, {@code GET /notifications} ({@code from}, {@code limit},
 * {@code only=highlight}; {@code next_token} absent on the last page). {@code read} is worked out when asked, from
 * the same read receipts as the unread counts in {@code /sync} ({@link NotificationCounter#readPosition}): an event
 * is read once the user has a read receipt for it or a later event of the room. Nothing is sent to push gateways.
 */
public final class NotificationService {
  /** {@code limit} when the request has none. */
  public static final int DEFAULT_LIMIT = 50;
  /** The most notifications in one page. */
  public static final int MAX_LIMIT = 1000;
  /** How long a request waits for events persisted before it to be evaluated. */
  static final long RECORDER_WAIT_MS = 2_000;

  private final NotificationStore store;
  private final NotificationRecorder recorder;
  private final NotificationCounter counter;
  private final RoomStore rooms;
  private final ClientEvents events;

  public NotificationService(NotificationStore store, NotificationRecorder recorder, NotificationCounter counter,
      RoomStore rooms, ClientEvents events) {
    this.store = Objects.requireNonNull(store, "store");
    this.recorder = Objects.requireNonNull(recorder, "recorder");
    this.counter = Objects.requireNonNull(counter, "counter");
    this.rooms = Objects.requireNonNull(rooms, "rooms");
    this.events = Objects.requireNonNull(events, "events");
  }

  /**
   * One page of {@code userId}'s notifications, as seen by {@code deviceId}.
   *
   * @param from a {@code next_token} of an earlier page, or null for the newest
   * @param limit the page size, or null for {@value #DEFAULT_LIMIT}
   * @param only null, or {@code highlight} for highlighted notifications only
   */
  public ObjectNode notifications(String userId, String deviceId, String from, Integer limit, String only) {
    Long before = from == null || from.isEmpty() ? null : token(from);
    int size = limit == null ? DEFAULT_LIMIT : limit;
    if (size < 0) {
      throw MatrixException.invalidParam("limit must not be negative");
    }
    size = Math.min(size, MAX_LIMIT);
    if (only != null && !only.isEmpty() && !"highlight".equals(only)) {
      throw MatrixException.invalidParam("only must be highlight");
    }
    recorder.awaitRecorded(RECORDER_WAIT_MS);
    List<Notification> page = store.page(userId, before, size + 1, "highlight".equals(only));
    boolean more = page.size() > size;
    if (more) {
      page = page.subList(0, size);
    }
    Map<String, StoredEvent> byId = new HashMap<>();
    for (StoredEvent event : rooms.events(page.stream().map(Notification::eventId).toList())) {
      byId.put(event.eventId(), event);
    }
    List<Notification> shown = new ArrayList<>();
    List<StoredEvent> shownEvents = new ArrayList<>();
    for (Notification n : page) {
      StoredEvent event = byId.get(n.eventId());
      if (event != null) {
        shown.add(n);
        shownEvents.add(event);
      }
    }
    List<ObjectNode> formatted = events.format(shownEvents, userId, deviceId);
    Map<String, Long> readUpTo = new HashMap<>();
    ObjectNode out = JsonMapper.shared().createObjectNode();
    ArrayNode list = out.putArray("notifications");
    for (int i = 0; i < shown.size(); i++) {
      Notification n = shown.get(i);
      long read = readUpTo.computeIfAbsent(n.roomId(), room -> counter.readPosition(userId, room));
      ObjectNode entry = list.addObject();
      entry.set("actions", n.actions());
      entry.set("event", formatted.get(i));
      entry.put("read", n.streamPosition() <= read);
      entry.put("room_id", n.roomId());
      entry.put("ts", n.ts());
    }
    if (more && !page.isEmpty()) {
      out.put("next_token", Long.toString(page.get(page.size() - 1).streamPosition()));
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
