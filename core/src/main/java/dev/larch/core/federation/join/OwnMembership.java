package dev.larch.core.federation.join;

import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import java.util.Optional;

/**
 * A local user's current membership event in a room: from the room's current state, or, in a room this server is
 * not in, the out-of-band membership it keeps ({@link RoomStore#persistOutOfBandMembership}: a received invite, our
 * knock or leave), which current state does not hold.
 */
final class OwnMembership {
  private OwnMembership() {}

  static Optional<StoredEvent> event(RoomStore store, String roomId, String userId) {
    Optional<StoredEvent> inState = store.currentStateEventId(roomId, StateKey.of("m.room.member", userId))
        .flatMap(store::event);
    if (inState.isPresent()) {
      return inState;
    }
    return store.membershipsOf(userId).stream()
        .filter(m -> m.roomId().equals(roomId))
        .findFirst()
        .flatMap(m -> store.event(m.eventId()));
  }
}
