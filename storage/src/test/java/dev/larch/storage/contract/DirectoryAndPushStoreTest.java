package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.directory.RoomDirectoryStore;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.push.Pusher;
import dev.larch.core.push.PusherStore;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.StateBefore;
import dev.larch.storage.directory.JdbcRoomDirectoryStore;
import dev.larch.storage.push.JdbcPusherStore;
import dev.larch.storage.room.JdbcRoomStore;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link RoomDirectoryStore} and {@link PusherStore} contracts (V007). */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class DirectoryAndPushStoreTest extends DatabaseTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String BOB = "@bob:larch.test";

  DirectoryAndPushStoreTest(TestDatabase kind) {
    super(kind);
  }

  @Test
  void publish_unpublish_isIdempotent_andSurvivesReopen() {
    RoomDirectoryStore store = new JdbcRoomDirectoryStore(database);
    assertFalse(store.isPublished("!a:larch.test"));
    store.setPublished("!a:larch.test", true);
    store.setPublished("!a:larch.test", true);
    store.setPublished("!b:larch.test", true);
    store.setPublished("!c:larch.test", false);
    assertTrue(store.isPublished("!a:larch.test"));
    assertEquals(Set.of("!a:larch.test", "!b:larch.test"), Set.copyOf(store.publishedRooms()));
    store.setPublished("!b:larch.test", false);
    reopen();
    RoomDirectoryStore reopened = new JdbcRoomDirectoryStore(database);
    assertEquals(List.of("!a:larch.test"), reopened.publishedRooms());
    assertFalse(reopened.isPublished("!b:larch.test"));
  }

  @Test
  void currentStateAcrossRooms_readsOneSlotOfEveryRoom() {
    JdbcRoomStore rooms = new JdbcRoomStore(database);
    TestRoom one = new TestRoom("one");
    TestRoom two = new TestRoom("two");
    Pdu create1 = one.create(ALICE);
    rooms.persist(PersistRequest.accepted(create1, StateBefore.none()));
    Pdu rules1 = one.state("m.room.join_rules", "", ALICE, List.of(create1.eventId()), 2);
    rooms.persist(PersistRequest.accepted(rules1, StateBefore.afterEvent(create1.eventId())));
    Pdu create2 = two.create(BOB);
    rooms.persist(PersistRequest.accepted(create2, StateBefore.none()));

    RoomDirectoryStore store = new JdbcRoomDirectoryStore(database);
    assertEquals(Map.of(one.roomId, rules1.eventId()),
        store.currentStateAcrossRooms(StateKey.of("m.room.join_rules", "")));
    assertEquals(Map.of(one.roomId, create1.eventId(), two.roomId, create2.eventId()),
        store.currentStateAcrossRooms(StateKey.of("m.room.create", "")));
    assertTrue(store.currentStateAcrossRooms(StateKey.of("m.room.join_rules", "x")).isEmpty());
  }

  private static Pusher pusher(String user, String appId, String pushkey, String url) {
    ObjectNode data = JsonMapper.shared().createObjectNode().put("url", url);
    return new Pusher(user, appId, pushkey, "http", "App", "Phone", null, "en", data);
  }

  @Test
  void pushers_setReplacesByAppAndPushkey_appendKeepsOtherUsers() {
    PusherStore store = new JdbcPusherStore(database);
    store.set(pusher(ALICE, "im.app", "k1", "https://a/1"), false);
    store.set(pusher(ALICE, "im.app", "k2", "https://a/2"), false);
    store.set(pusher(ALICE, "im.app", "k1", "https://a/1b"), false); // replaces alice's k1
    List<Pusher> alice = store.pushersOf(ALICE);
    assertEquals(List.of("k1", "k2"), alice.stream().map(Pusher::pushkey).toList());
    assertEquals("https://a/1b", alice.get(0).data().path("url").asText());
    assertEquals("en", alice.get(0).lang());

    // Bob registers the same app and pushkey with append: alice keeps hers.
    store.set(new Pusher(BOB, "im.app", "k1", "email", "Mail", "Laptop", "tag", "de",
        JsonMapper.shared().createObjectNode()), true);
    assertEquals(2, store.pushersOf(ALICE).size());
    Pusher bobs = store.pushersOf(BOB).get(0);
    assertEquals("tag", bobs.profileTag());
    assertEquals("email", bobs.kind());
    // Without append, the pushkey moves to bob: alice's k1 goes.
    store.set(pusher(BOB, "im.app", "k1", "https://b/1"), false);
    assertEquals(List.of("k2"), store.pushersOf(ALICE).stream().map(Pusher::pushkey).toList());

    assertTrue(store.delete(ALICE, "im.app", "k2"));
    assertFalse(store.delete(ALICE, "im.app", "k2"));
    reopen();
    PusherStore reopened = new JdbcPusherStore(database);
    assertTrue(reopened.pushersOf(ALICE).isEmpty());
    assertEquals("https://b/1", reopened.pushersOf(BOB).get(0).data().path("url").asText());
  }
}
