package dev.larch.core.filter;

import java.util.List;

/**
 * Which events of a room section (timeline, state, ephemeral, room account data) a client wants.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#filtering">client-server API v1.11,
 * "Filtering"</a> ({@code RoomEventFilter}, {@code StateFilter}); lazy loading: "Lazy-loading room members".
 *
 * @param events the type, sender and limit part
 * @param rooms the rooms to include, or null for all
 * @param notRooms the rooms to leave out
 * @param containsUrl true: only events whose content has a {@code url}; false: only those without; null: both
 * @param lazyLoadMembers send only the membership events of the timeline's senders
 * @param includeRedundantMembers with lazy loading, send those membership events even if sent before
 */
public record RoomEventFilter(
    EventFilter events,
    List<String> rooms,
    List<String> notRooms,
    Boolean containsUrl,
    boolean lazyLoadMembers,
    boolean includeRedundantMembers) {
  /** The filter that lets everything through. */
  public static final RoomEventFilter ALL = new RoomEventFilter(EventFilter.ALL, null, List.of(), null, false, false);

  /** Whether events of {@code roomId} pass {@code rooms} and {@code not_rooms}. */
  public boolean matchesRoom(String roomId) {
    return !notRooms.contains(roomId) && (rooms == null || rooms.contains(roomId));
  }

  /** Whether an event passes: its room, type, sender and (if asked) whether its content has a URL. */
  public boolean matches(String roomId, String type, String sender, boolean hasUrl) {
    return matchesRoom(roomId)
        && events.matches(type, sender)
        && (containsUrl == null || containsUrl == hasUrl);
  }
}
