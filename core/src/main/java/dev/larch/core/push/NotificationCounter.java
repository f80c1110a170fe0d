package dev.larch.core.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.receipt.Receipt;
import dev.larch.core.receipt.ReceiptService;
import dev.larch.core.room.Direction;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import java.util.List;
import java.util.Objects;

/**
 * A room's unread notification and highlight counts for one user, computed at sync time: the user's push rules are
 * evaluated on the room's events after their latest unthreaded (or {@code main}) read receipt, stopping at the
 * user's own latest event (sending implies reading) and looking at no more than {@value #MAX_EVENTS} events.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#receiving-notifications">client-server API
 * v1.11, "Receiving notifications"</a> ({@code unread_notifications} in {@code /sync}). The room state used is the
 * current one (member count, power levels, display name).
 */
public final class NotificationCounter {
  /** The most events scanned per room and sync. */
  public static final int MAX_EVENTS = 100;

  private final RoomStore rooms;
  private final ReceiptService receipts;
  private final PushRuleService rules;

  public NotificationCounter(RoomStore rooms, ReceiptService receipts, PushRuleService rules) {
    this.rooms = Objects.requireNonNull(rooms, "rooms");
    this.receipts = Objects.requireNonNull(receipts, "receipts");
    this.rules = Objects.requireNonNull(rules, "rules");
  }

  /** Counts of one room. */
  public record Counts(long notifications, long highlights) {}

  /** The counts of {@code roomId} for {@code userId} over events up to stream position {@code untilInclusive}. */
  public Counts counts(String userId, String roomId, long untilInclusive) {
    return counts(userId, roomId, untilInclusive, rules.global(userId));
  }

  /** As above, with the user's rules already read (one read per sync). */
  public Counts counts(String userId, String roomId, long untilInclusive, ObjectNode global) {
    long readPosition = readPosition(userId, roomId);
    if (readPosition >= untilInclusive) {
      return new Counts(0, 0);
    }
    List<StoredEvent> newestFirst =
        rooms.eventsInStreamRange(roomId, readPosition, untilInclusive, MAX_EVENTS, Direction.BACKWARDS);
    if (newestFirst.isEmpty()) {
      return new Counts(0, 0);
    }
    RoomPushState context = null;
    long notifications = 0;
    long highlights = 0;
    for (StoredEvent event : newestFirst) {
      if (userId.equals(event.pdu().sender())) {
        break;
      }
      if (context == null) {
        context = RoomPushState.current(rooms, roomId);
      }
      ObjectNode json = event.pdu().json();
      PushActions actions = PushEvaluator.evaluate(global, json, context.contextFor(userId, json));
      if (actions.notifies()) {
        notifications++;
      }
      if (actions.highlight()) {
        highlights++;
      }
    }
    return new Counts(notifications, highlights);
  }

  /**
   * The stream position of the latest event {@code userId} has an unthreaded (or {@code main}) {@code m.read} or
   * {@code m.read.private} receipt for in {@code roomId}; 0 without one. Also what {@code /notifications} marks
   * {@code read} by.
   */
  public long readPosition(String userId, String roomId) {
    ObjectNode event = receipts.receiptEvent(roomId, userId, 0, receipts.position()).orElse(null);
    if (event == null) {
      return 0;
    }
    long latest = 0;
    var byEvent = event.path("content").fields();
    while (byEvent.hasNext()) {
      var entry = byEvent.next();
      boolean mine = false;
      for (String type : new String[] {Receipt.READ, Receipt.READ_PRIVATE}) {
        JsonNode receipt = entry.getValue().path(type).get(userId);
        String thread = receipt == null ? null : receipt.path("thread_id").asText(null);
        mine |= receipt != null && (thread == null || "main".equals(thread));
      }
      if (mine) {
        long position = rooms.event(entry.getKey()).map(StoredEvent::streamPosition).orElse(0L);
        latest = Math.max(latest, position);
      }
    }
    return latest;
  }
}
