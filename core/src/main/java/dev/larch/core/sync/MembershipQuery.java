package dev.larch.core.sync;

import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import java.util.Map;
import java.util.Objects;

/**
 * Reads a user's membership of a room from the room's current state, for the endpoints that only members may use
 * (typing, receipts) and for sync's history visibility.
 *
 * <p>Spec: client-server API v1.11, "Room membership".
 */
public final class MembershipQuery {
  private final RoomStore rooms;

  public MembershipQuery(RoomStore rooms) {
    this.rooms = Objects.requireNonNull(rooms, "rooms");
  }

  /** The user's current membership ({@code join}, {@code invite}, ...), or null if none. */
  public String current(String roomId, String userId) {
    return rooms.currentStateEventId(roomId, StateKey.of("m.room.member", userId))
        .flatMap(rooms::event)
        .map(e -> e.pdu().membership())
        .orElse(null);
  }

  /** Whether the user is joined to the room now. */
  public boolean isJoined(String roomId, String userId) {
    return "join".equals(current(roomId, userId));
  }

  /** The user's membership in a state map ({@code stateBefore}/{@code stateAfter} of an event), or null. */
  public String in(Map<StateKey, String> state, String userId) {
    String eventId = state.get(StateKey.of("m.room.member", userId));
    return eventId == null ? null : rooms.event(eventId).map(StoredEvent::pdu).map(p -> p.membership()).orElse(null);
  }
}
