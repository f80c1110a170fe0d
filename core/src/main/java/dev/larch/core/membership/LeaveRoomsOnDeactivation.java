package dev.larch.core.membership;

import dev.larch.core.room.Membership;
import dev.larch.core.room.RoomStore;
import dev.larch.core.user.AccountLifecycleListener;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a deactivated account leave every room it is joined to, invited to or knocking on, as the user would with
 * {@code /leave}: otherwise the account would stay listed as a member (and invited) forever, with nobody able to
 * speak for it.
 *
 * <p>Spec: client-server API v1.11, "Account deactivation": the server should make the user leave all rooms
 * (Synapse and Conduit do). A room that cannot be left (the auth rules refuse, or the room is gone) is logged and
 * skipped; the others are still left, and the deactivation itself stands either way.
 */
public final class LeaveRoomsOnDeactivation implements AccountLifecycleListener {
  private static final Logger log = LoggerFactory.getLogger(LeaveRoomsOnDeactivation.class);
  private static final List<String> LEAVABLE = List.of("join", "invite", "knock");

  private final RoomStore rooms;
  private final MembershipService memberships;

  public LeaveRoomsOnDeactivation(RoomStore rooms, MembershipService memberships) {
    this.rooms = rooms;
    this.memberships = memberships;
  }

  @Override
  public void accountDeactivated(String userId) {
    List<String> roomIds = rooms.membershipsOf(userId).stream()
        .filter(m -> LEAVABLE.contains(m.membership()))
        .map(Membership::roomId)
        .toList();
    int left = 0;
    for (String roomId : roomIds) {
      try {
        memberships.leave(userId, roomId, null);
        left++;
      } catch (RuntimeException e) {
        log.warn("deactivated user could not leave room user={} room={}", userId, roomId, e);
      }
    }
    log.info("deactivated user left rooms user={} rooms={} of={}", userId, left, roomIds.size());
  }
}
