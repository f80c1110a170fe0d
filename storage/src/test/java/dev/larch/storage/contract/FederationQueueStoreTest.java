package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.federation.send.FederationQueueStore;
import dev.larch.core.federation.send.QueueEntry;
import dev.larch.core.federation.send.StreamEvent;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.CurrentStateUpdate;
import dev.larch.core.room.EventStatus;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StateBefore;
import dev.larch.storage.federation.send.JdbcEventStreamReader;
import dev.larch.storage.federation.send.JdbcFederationQueueStore;
import dev.larch.storage.keys.JdbcDeviceListStore;
import dev.larch.storage.room.JdbcRoomStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The {@link FederationQueueStore} contract (order, durability, delete after delivery), the event stream as the
 * sender reads it, and the device-list additions the sender's EDUs use.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class FederationQueueStoreTest extends DatabaseTest {
  private static final String A = "a.example";
  private static final String B = "b.example";

  FederationQueueStoreTest(TestDatabase kind) {
    super(kind);
  }

  private static QueueEntry edu(String destination, int n) {
    ObjectNode content = JsonMapper.shared().createObjectNode().put("n", n);
    return QueueEntry.edu(destination, "m.direct_to_device", content);
  }

  /** The queue as a list of "pdu:$id" / "edu:n" strings, oldest first. */
  private static List<String> describe(List<QueueEntry> entries) {
    return entries.stream()
        .map(e -> e.isPdu() ? "pdu:" + e.eventId() : "edu:" + e.content().get("n").intValue())
        .toList();
  }

  @Test
  void streamPosition_startsUnset_andMovesWithTheQueuedPdus() {
    FederationQueueStore store = new JdbcFederationQueueStore(database);
    assertEquals(-1, store.streamPosition());
    store.enqueuePdus(List.of(), 7);
    assertEquals(7, store.streamPosition());
    store.enqueuePdus(List.of(QueueEntry.pdu(A, "$1"), QueueEntry.pdu(B, "$1")), 9);
    assertEquals(9, store.streamPosition());
    assertEquals(Set.of(A, B), store.destinations());
  }

  @Test
  void head_keepsQueueingOrderAcrossPdusAndEdus_perDestination() {
    FederationQueueStore store = new JdbcFederationQueueStore(database);
    store.enqueuePdus(List.of(QueueEntry.pdu(A, "$1"), QueueEntry.pdu(B, "$1")), 1);
    store.enqueue(List.of(edu(A, 1)));
    store.enqueuePdus(List.of(QueueEntry.pdu(A, "$2")), 2);
    store.enqueue(List.of(edu(A, 2), edu(B, 3), edu(A, 4)));

    assertEquals(List.of("pdu:$1", "edu:1", "pdu:$2", "edu:2", "edu:4"), describe(store.head(A, 100)));
    assertEquals(List.of("pdu:$1", "edu:3"), describe(store.head(B, 100)));
    assertEquals(List.of("pdu:$1", "edu:1"), describe(store.head(A, 2)));
    List<QueueEntry> head = store.head(A, 100);
    for (int i = 1; i < head.size(); i++) {
      assertTrue(head.get(i).id() > head.get(i - 1).id(), "ids rise in queueing order");
    }
    assertEquals("m.direct_to_device", head.get(1).eduType());
  }

  @Test
  void delete_removesOnlyTheDeliveredRows_andTheRestSurvivesReopen() {
    FederationQueueStore store = new JdbcFederationQueueStore(database);
    List<QueueEntry> entries = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      entries.add(edu(A, i));
    }
    store.enqueue(entries);
    store.enqueuePdus(List.of(QueueEntry.pdu(B, "$x")), 3);
    List<QueueEntry> head = store.head(A, 2);
    store.delete(A, head.stream().map(QueueEntry::id).toList());
    // A row of another destination is not deleted by a matching ID of this one.
    store.delete(B, head.stream().map(QueueEntry::id).toList());

    reopen();
    FederationQueueStore reopened = new JdbcFederationQueueStore(database);
    assertEquals(List.of("edu:2", "edu:3", "edu:4"), describe(reopened.head(A, 100)));
    assertEquals(List.of("pdu:$x"), describe(reopened.head(B, 100)));
    assertEquals(3, reopened.streamPosition());

    reopened.delete(A, reopened.head(A, 100).stream().map(QueueEntry::id).toList());
    assertEquals(Set.of(B), reopened.destinations());
    // New rows after a reopen still sort after the old ones.
    reopened.enqueue(List.of(edu(B, 9)));
    assertEquals(List.of("pdu:$x", "edu:9"), describe(reopened.head(B, 100)));
  }

  @Test
  void eventStream_listsAcceptedEventsInStreamOrder_withoutOutliersOrRejected() {
    RoomStore rooms = new JdbcRoomStore(database);
    TestRoom room = new TestRoom("q");
    Pdu create = room.create("@alice:larch.test");
    rooms.persist(PersistRequest.accepted(create, StateBefore.none()));
    Pdu m1 = room.message("@alice:larch.test", "one", List.of(create.eventId()), 2);
    rooms.persist(PersistRequest.accepted(m1, StateBefore.afterEvent(create.eventId())));
    rooms.persist(PersistRequest.outlier(room.message("@bob:remote.example", "outlier", List.of(), 3)));
    Pdu rejected = room.message("@bob:remote.example", "no", List.of(m1.eventId()), 3);
    rooms.persist(new PersistRequest(rejected, EventStatus.rejected("test"), StateBefore.afterEvent(m1.eventId()),
        CurrentStateUpdate.unchanged(), Optional.empty()));
    Pdu m2 = room.message("@bob:remote.example", "two", List.of(m1.eventId()), 3);
    rooms.persist(PersistRequest.accepted(m2, StateBefore.afterEvent(m1.eventId())));

    JdbcEventStreamReader reader = new JdbcEventStreamReader(database);
    List<StreamEvent> all = reader.events(0, rooms.latestStreamPosition(), 100);
    assertEquals(List.of(create.eventId(), m1.eventId(), m2.eventId()),
        all.stream().map(StreamEvent::eventId).toList());
    assertEquals("@bob:remote.example", all.get(2).sender());
    assertEquals(room.roomId, all.get(2).roomId());
    List<StreamEvent> page = reader.events(all.get(0).streamPosition(), rooms.latestStreamPosition(), 1);
    assertEquals(List.of(m1.eventId()), page.stream().map(StreamEvent::eventId).toList());
    assertTrue(reader.events(all.get(2).streamPosition(), rooms.latestStreamPosition(), 100).isEmpty());
  }

  @Test
  void deviceLists_recordChangeOfARemoteUser_isSeenBySharers_andChangePositionsListTheLatest() {
    RoomStore rooms = new JdbcRoomStore(database);
    TestRoom room = new TestRoom("d");
    String alice = "@alice:larch.test";
    String bob = "@bob:remote.example";
    Pdu create = room.create(alice);
    rooms.persist(PersistRequest.accepted(create, StateBefore.none()));
    Pdu aliceJoin = room.member(alice, "join", List.of(create.eventId()), 2);
    rooms.persist(PersistRequest.accepted(aliceJoin, StateBefore.afterEvent(create.eventId())));
    Pdu bobJoin = room.member(bob, "join", List.of(aliceJoin.eventId()), 3);
    rooms.persist(PersistRequest.accepted(bobJoin, StateBefore.afterEvent(aliceJoin.eventId())));

    JdbcDeviceListStore lists = new JdbcDeviceListStore(database);
    long before = lists.latestPosition();
    lists.recordChange(bob);
    lists.recordChange(bob);
    assertEquals(Set.of(bob), lists.changed(alice, before, lists.latestPosition()));
    assertEquals(Set.of(), lists.changed("@carol:larch.test", before, lists.latestPosition()));
    List<Long> positions = lists.changePositions(bob, 5);
    assertEquals(List.of(lists.latestPosition(), lists.latestPosition() - 1), positions);
    assertEquals(List.of(lists.latestPosition()), lists.changePositions(bob, 1));
    assertEquals(List.of(), lists.changePositions(alice, 5));
  }
}
