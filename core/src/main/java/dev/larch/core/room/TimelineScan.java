package dev.larch.core.room;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Walks a room's timeline in topological order from a position, keeping the events a predicate accepts (visibility
 * and filters), until a page is full, a bound is passed or the room runs out. Spec: client-server API, "Pagination".
 *
 * <p>Filtered-out events still advance the position, so the next page continues after them; a walk reads at most
 * {@value #MAX_BATCHES} batches, and a page cut short by that still carries a position to continue from.
 */
final class TimelineScan {
  static final int MAX_BATCHES = 20;

  private final RoomStore store;
  private final String roomId;
  private final Direction dir;
  private final TopologicalPosition bound;
  private final Predicate<StoredEvent> wanted;

  /**
   * @param bound the {@code to} position: backwards, events at or before it are not returned; forwards, events
   *     after it; null for none
   */
  TimelineScan(
      RoomStore store, String roomId, Direction dir, TopologicalPosition bound, Predicate<StoredEvent> wanted) {
    this.store = store;
    this.roomId = roomId;
    this.dir = dir;
    this.bound = bound;
    this.wanted = wanted;
  }

  /**
   * One page.
   *
   * @param events the accepted events, in walk order
   * @param last the position of the last event read (accepted or not), where the next page starts
   * @param exhausted true if no further events exist in this direction (or the bound was reached)
   */
  record Page(List<StoredEvent> events, TopologicalPosition last, boolean exhausted) {}

  Page page(TopologicalPosition from, int limit) {
    List<StoredEvent> accepted = new ArrayList<>();
    TopologicalPosition position = from;
    int batchSize = Math.max(limit, 10);
    for (int batch = 0; batch < MAX_BATCHES; batch++) {
      List<StoredEvent> events = dir == Direction.BACKWARDS
          ? store.eventsBefore(roomId, position, batchSize)
          : store.eventsAfter(roomId, position, batchSize);
      for (StoredEvent event : events) {
        if (beyondBound(event.topologicalPosition())) {
          return new Page(accepted, position, true);
        }
        position = event.topologicalPosition();
        if (wanted.test(event)) {
          accepted.add(event);
          if (accepted.size() == limit) {
            return new Page(accepted, position, false);
          }
        }
      }
      if (events.size() < batchSize) {
        return new Page(accepted, position, true);
      }
    }
    return new Page(accepted, position, false);
  }

  private boolean beyondBound(TopologicalPosition p) {
    if (bound == null) {
      return false;
    }
    return dir == Direction.BACKWARDS ? p.compareTo(bound) <= 0 : p.compareTo(bound) > 0;
  }
}
