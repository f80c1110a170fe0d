package dev.larch.core.filter;

import java.util.List;

/**
 * The room part of a filter: which rooms, whether left rooms appear, and one filter per room section.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#filtering">client-server API v1.11,
 * "Filtering"</a> ({@code RoomFilter}).
 */
public record RoomFilter(
    List<String> rooms,
    List<String> notRooms,
    boolean includeLeave,
    RoomEventFilter timeline,
    RoomEventFilter state,
    RoomEventFilter ephemeral,
    RoomEventFilter accountData) {
  /** The filter that lets everything through (left rooms only in incremental syncs). */
  public static final RoomFilter ALL = new RoomFilter(
      null, List.of(), false, RoomEventFilter.ALL, RoomEventFilter.ALL, RoomEventFilter.ALL, RoomEventFilter.ALL);

  /** Whether {@code roomId} appears in the sync response at all. */
  public boolean matchesRoom(String roomId) {
    return !notRooms.contains(roomId) && (rooms == null || rooms.contains(roomId));
  }
}
