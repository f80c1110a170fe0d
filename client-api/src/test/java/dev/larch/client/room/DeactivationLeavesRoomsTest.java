package dev.larch.client.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.membership.LeaveRoomsOnDeactivation;
import dev.larch.core.room.NewRoom;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@link LeaveRoomsOnDeactivation}: a deactivated account leaves its joined rooms and rejects its invites. */
class DeactivationLeavesRoomsTest extends RoomServicesTest {
  private String alice;
  private String bob;

  @BeforeEach
  void createUsers() {
    alice = t.user("alice");
    bob = t.user("bob");
  }

  private String room(String creator, String preset) {
    return t.rooms.createRoom(creator,
        new NewRoom(preset, null, null, null, null, List.of(), false, null, null, List.of(), null));
  }

  @Test
  void accountDeactivated_leavesJoinedRooms_andRejectsInvites_leavingOthersAlone() {
    String joined = room(alice, "public_chat");
    t.memberships.join(bob, joined, null);
    String invited = room(alice, "private_chat");
    t.memberships.invite(alice, invited, bob, null);
    String ownRoom = room(bob, "private_chat");
    t.memberships.invite(bob, ownRoom, alice, null);
    t.memberships.join(alice, ownRoom, null);
    String left = room(alice, "public_chat");
    t.memberships.join(bob, left, null);
    t.memberships.leave(bob, left, null);
    int eventsBefore = t.notified.size();

    new LeaveRoomsOnDeactivation(t.store, t.memberships).accountDeactivated(bob);

    assertEquals(Optional.of("leave"), t.memberships.membership(joined, bob));
    assertEquals(Optional.of("leave"), t.memberships.membership(invited, bob));
    assertEquals(Optional.of("leave"), t.memberships.membership(ownRoom, bob));
    assertEquals(Optional.of("leave"), t.memberships.membership(left, bob));
    assertEquals(eventsBefore + 3, t.notified.size(), "one leave per room bob was in or invited to");
    assertTrue(t.memberships.joinedRooms(bob).isEmpty());
    assertEquals(Optional.of("join"), t.memberships.membership(ownRoom, alice), "others stay");
  }

  @Test
  void accountDeactivated_withNoRooms_doesNothing() {
    int eventsBefore = t.notified.size();
    new LeaveRoomsOnDeactivation(t.store, t.memberships).accountDeactivated(bob);
    assertEquals(eventsBefore, t.notified.size());
  }
}
