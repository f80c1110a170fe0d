package dev.larch.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.RoomVersion;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyncNotifierTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String BOB = "@bob:larch.test";

  private static Pdu event(String roomId, String type, String stateKey) {
    ObjectNode json = JsonMapper.shared().createObjectNode().put("type", type).put("room_id", roomId)
        .put("sender", ALICE);
    if (stateKey != null) {
      json.put("state_key", stateKey);
    }
    json.putObject("content");
    return new Pdu(RoomVersion.V10, json, "$" + type + roomId);
  }

  @Test
  void eventInARoom_wakesOnlyThatRoomsWaiters_andUnregistersThem() {
    SyncNotifier notifier = new SyncNotifier();
    SyncNotifier.Waiter inA = notifier.register(ALICE, List.of("!a:x"), 0);
    SyncNotifier.Waiter inB = notifier.register(BOB, List.of("!b:x"), 0);
    notifier.onEventPersisted(event("!a:x", "m.room.message", null), 1, true);
    assertTrue(inA.signal().isDone());
    assertFalse(inB.signal().isDone());
    assertEquals(1, notifier.waiting());
    inB.cancel();
    assertEquals(0, notifier.waiting());
  }

  @Test
  void membershipEvent_wakesItsUserEvenOutsideTheirRooms() {
    SyncNotifier notifier = new SyncNotifier();
    SyncNotifier.Waiter bob = notifier.register(BOB, List.of(), 0);
    notifier.onEventPersisted(event("!new:x", "m.room.member", BOB), 1, true);
    assertTrue(bob.signal().isDone());
  }

  @Test
  void laggingWaiter_isWokenByTheNextEventAnywhere() {
    SyncNotifier notifier = new SyncNotifier();
    notifier.onEventPersisted(event("!a:x", "m.room.message", null), 7, true);
    // Woken by 7 but computed with the published position still at 5 (6 in flight elsewhere).
    SyncNotifier.Waiter lagging = notifier.register(ALICE, List.of("!a:x"), 5);
    SyncNotifier.Waiter upToDate = notifier.register(BOB, List.of("!a:x"), 7);
    notifier.onEventPersisted(event("!c:x", "m.room.message", null), 6, true);
    assertTrue(lagging.signal().isDone());
    assertFalse(upToDate.signal().isDone());
  }

  @Test
  void roomAndUserStreams_wakeTheirWaiters() {
    SyncNotifier notifier = new SyncNotifier();
    SyncNotifier.Waiter alice = notifier.register(ALICE, List.of("!a:x"), 0);
    SyncNotifier.Waiter bob = notifier.register(BOB, List.of("!b:x"), 0);
    notifier.notifyRoom("!a:x");
    notifier.notifyUser(BOB);
    assertTrue(alice.signal().isDone());
    assertTrue(bob.signal().isDone());
  }
}
