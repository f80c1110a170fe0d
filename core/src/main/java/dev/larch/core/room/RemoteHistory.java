package dev.larch.core.room;

/**
 * Port: history of a room older than the earliest event this server holds, fetched from a server in the room when
 * a client pages back past it ({@code GET /messages} with {@code dir=b}) and stored so that it sorts before, never
 * as new events in {@code /sync} ({@link RoomStore#persistHistory}).
 *
 * <p>Spec: server-server API, "Backfilling and retrieving missing events".
 */
@FunctionalInterface
public interface RemoteHistory {
  /** No federation: nothing older is ever found. */
  RemoteHistory NONE = (roomId, oldest, limit) -> false;

  /**
   * Fetches up to about {@code limit} events before {@code oldest}, the earliest client-visible event of the room
   * held here, and stores them. Best effort and blocking: false when nothing was stored (no server answered, the
   * room begins there, or it was tried already without result).
   */
  boolean backfill(String roomId, StoredEvent oldest, int limit);
}
