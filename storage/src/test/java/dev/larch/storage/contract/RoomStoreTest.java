package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.json.CanonicalJson;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.CurrentStateUpdate;
import dev.larch.core.room.Direction;
import dev.larch.core.room.EventStatus;
import dev.larch.core.room.Membership;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.PersistResult;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StateBefore;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.room.TopologicalPosition;
import dev.larch.core.room.TxnKey;
import dev.larch.storage.room.CachingRoomStore;
import dev.larch.storage.room.JdbcRoomStore;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link RoomStore} contract: persist and the reads that follow from it. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class RoomStoreTest extends DatabaseTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String BOB = "@bob:larch.test";

  private RoomStore store;
  private TestRoom room;

  RoomStoreTest(TestDatabase kind) {
    super(kind);
  }

  @BeforeEach
  void createStore() {
    store = new JdbcRoomStore(database);
    room = new TestRoom("room");
  }

  private PersistResult persist(Pdu event, StateBefore before) {
    return store.persist(PersistRequest.accepted(event, before));
  }

  private Pdu createRoom() {
    Pdu create = room.create(ALICE);
    persist(create, StateBefore.none());
    return create;
  }

  @Test
  void persist_thenRead_returnsExactCanonicalBytes() {
    Pdu create = createRoom();
    ObjectNode content = JsonMapper.shared().createObjectNode();
    content.put("body", "héllo \u2603 \uD83D\uDE00 \"quoted\" \n");
    content.put("big", 9007199254740991L);
    content.putObject("nested").put("z", 1).put("a", true).putNull("n");
    content.putArray("list").add(3).add("x");
    Pdu message = room.event("m.room.message", null, ALICE, content, List.of(create.eventId()), 2);

    PersistResult result = persist(message, StateBefore.afterEvent(create.eventId()));

    StoredEvent stored = store.event(message.eventId()).orElseThrow();
    assertArrayEquals(CanonicalJson.STRICT.encode(message.json()), stored.canonicalJson());
    assertArrayEquals(CanonicalJson.STRICT.encode(message.json()), CanonicalJson.STRICT.encode(stored.pdu().json()));
    assertEquals(message.eventId(), stored.eventId());
    assertEquals(result.streamPosition(), stored.streamPosition());
    assertEquals(2, stored.depth());
    assertEquals(EventStatus.ACCEPTED, stored.status());
    assertEquals(TestRoom.VERSION, store.roomVersion(room.roomId).orElseThrow());
    assertEquals(BigInteger.valueOf(9007199254740991L), stored.pdu().content().get("big").bigIntegerValue());
  }

  @Test
  void persist_sameEventTwice_writesOnce() {
    Pdu create = createRoom();
    PersistResult again = persist(create, StateBefore.none());
    assertTrue(again.alreadyStored());
    assertEquals(store.event(create.eventId()).orElseThrow().streamPosition(), again.streamPosition());
    assertEquals(1, store.eventsInStreamRange(room.roomId, 0, Long.MAX_VALUE, 10, Direction.FORWARDS).size());
  }

  @Test
  void events_byIds_keepRequestOrderAndSkipUnknown() {
    Pdu create = createRoom();
    Pdu m1 = room.message(ALICE, "1", List.of(create.eventId()), 2);
    persist(m1, StateBefore.afterEvent(create.eventId()));
    List<StoredEvent> events = store.events(List.of(m1.eventId(), "$unknown", create.eventId()));
    assertEquals(List.of(m1.eventId(), create.eventId()), events.stream().map(StoredEvent::eventId).toList());
    assertTrue(store.event("$unknown").isEmpty());
  }

  @Test
  void persist_withTxn_isIdempotentPerDevice() {
    Pdu create = createRoom();
    TxnKey txn = new TxnKey(ALICE, "DEVICE", "txn-1");
    Pdu first = room.message(ALICE, "once", List.of(create.eventId()), 2);
    Pdu retry = room.message(ALICE, "once", List.of(create.eventId()), 2);

    PersistResult r1 = store.persist(PersistRequest.accepted(first, StateBefore.afterEvent(create.eventId()))
        .withTxn(txn));
    PersistResult r2 = store.persist(PersistRequest.accepted(retry, StateBefore.afterEvent(create.eventId()))
        .withTxn(txn));

    assertFalse(r1.alreadyStored());
    assertTrue(r2.alreadyStored());
    assertEquals(first.eventId(), r2.eventId());
    assertEquals(r1.streamPosition(), r2.streamPosition());
    assertTrue(store.event(retry.eventId()).isEmpty());
    assertEquals(Optional.of(first.eventId()), store.eventIdForTransaction(txn));
    assertTrue(store.eventIdForTransaction(new TxnKey(ALICE, "OTHER", "txn-1")).isEmpty());
  }

  @Test
  void persistAll_withATxnAlreadyUsed_writesNothing_andTxnsAreScopedToTheirSender() {
    Pdu create = createRoom();
    TxnKey used = new TxnKey(ALICE, "DEVICE", "txn-1");
    Pdu first = room.message(ALICE, "first", List.of(create.eventId()), 2);
    store.persist(PersistRequest.accepted(first, StateBefore.afterEvent(create.eventId())).withTxn(used));

    // A batch with a fresh transaction ID, then the used one: refused whole, neither event stored.
    Pdu fresh = room.message(ALICE, "fresh", List.of(first.eventId()), 3);
    Pdu retry = room.message(ALICE, "first", List.of(fresh.eventId()), 4);
    Optional<List<PersistResult>> refused = store.persistAll(List.of(
        batched(fresh, first, new TxnKey(ALICE, "DEVICE", "txn-2")), batched(retry, fresh, used)));

    assertTrue(refused.isEmpty());
    assertTrue(store.event(fresh.eventId()).isEmpty());
    assertTrue(store.event(retry.eventId()).isEmpty());
    assertTrue(store.eventIdForTransaction(new TxnKey(ALICE, "DEVICE", "txn-2")).isEmpty());
    assertEquals(Set.of(first.eventId()), store.forwardExtremities(room.roomId));

    // The same device and transaction ID of another user is another transaction.
    TxnKey bobs = new TxnKey(BOB, "DEVICE", "txn-1");
    Pdu bob = room.message(BOB, "bob's", List.of(first.eventId()), 3);
    List<PersistResult> stored = store.persistAll(List.of(batched(bob, first, bobs))).orElseThrow();
    assertFalse(stored.get(0).alreadyStored());
    assertEquals(Optional.of(bob.eventId()), store.eventIdForTransaction(bobs));
    assertEquals(Optional.of(first.eventId()), store.eventIdForTransaction(used));
  }

  // A freshly built event of a grouped send, on top of prev, with its client transaction.
  private static PersistRequest batched(Pdu event, Pdu prev, TxnKey txn) {
    return new PersistRequest(event, EventStatus.ACCEPTED, StateBefore.afterEvent(prev.eventId()),
        CurrentStateUpdate.toStateAfterEvent(), Optional.of(txn), true);
  }

  @Test
  void forwardExtremities_followForksMergesAndLateParents() {
    Pdu create = createRoom();
    assertEquals(Set.of(create.eventId()), store.forwardExtremities(room.roomId));
    Pdu b = room.message(ALICE, "b", List.of(create.eventId()), 2);
    persist(b, StateBefore.afterEvent(create.eventId()));
    Pdu c = room.message(ALICE, "c", List.of(b.eventId()), 3);
    persist(c, StateBefore.afterEvent(b.eventId()));
    Pdu d = room.message(BOB, "d (fork)", List.of(b.eventId()), 3);
    persist(d, StateBefore.afterEvent(b.eventId()));
    assertEquals(Set.of(c.eventId(), d.eventId()), store.forwardExtremities(room.roomId));

    Pdu merge = room.message(ALICE, "merge", List.of(c.eventId(), d.eventId()), 4);
    persist(merge, StateBefore.afterEvent(c.eventId()));
    assertEquals(Set.of(merge.eventId()), store.forwardExtremities(room.roomId));

    // Soft-failed, rejected and outlier events never touch the extremities.
    Pdu soft = room.message(BOB, "soft", List.of(merge.eventId()), 5);
    store.persist(new PersistRequest(soft, EventStatus.SOFT_FAILED, StateBefore.afterEvent(merge.eventId()),
        CurrentStateUpdate.unchanged(), Optional.empty()));
    Pdu rejected = room.message(BOB, "rejected", List.of(merge.eventId()), 5);
    store.persist(new PersistRequest(rejected, EventStatus.rejected("auth"), StateBefore.afterEvent(merge.eventId()),
        CurrentStateUpdate.unchanged(), Optional.empty()));
    store.persist(PersistRequest.outlier(room.message(BOB, "outlier", List.of(merge.eventId()), 5)));
    assertEquals(Set.of(merge.eventId()), store.forwardExtremities(room.roomId));

    // A child arrives before its parent: the parent, once stored, is not an extremity.
    Pdu parent = room.message(ALICE, "late parent", List.of(merge.eventId()), 5);
    Pdu child = room.message(ALICE, "early child", List.of(parent.eventId()), 6);
    persist(child, StateBefore.afterEvent(merge.eventId()));
    assertEquals(Set.of(merge.eventId(), child.eventId()), store.forwardExtremities(room.roomId));
    persist(parent, StateBefore.afterEvent(merge.eventId()));
    assertEquals(Set.of(child.eventId()), store.forwardExtremities(room.roomId));
  }

  @Test
  void membershipChanges_followCurrentState() {
    Pdu create = createRoom();
    Pdu aliceJoin = room.member(ALICE, "join", List.of(create.eventId()), 2);
    persist(aliceJoin, StateBefore.afterEvent(create.eventId()));
    Pdu bobInvite = room.event("m.room.member", BOB, ALICE,
        JsonMapper.shared().createObjectNode().put("membership", "invite"), List.of(aliceJoin.eventId()), 3);
    persist(bobInvite, StateBefore.afterEvent(aliceJoin.eventId()));
    assertEquals(List.of("invite"), store.membershipsOf(BOB).stream().map(Membership::membership).toList());

    Pdu bobJoin = room.member(BOB, "join", List.of(bobInvite.eventId()), 4);
    PersistResult joined = persist(bobJoin, StateBefore.afterEvent(bobInvite.eventId()));
    Membership bob = store.membershipsOf(BOB).get(0);
    assertEquals(new Membership(room.roomId, BOB, "join", bobJoin.eventId(), joined.streamPosition()), bob);
    assertEquals(List.of(ALICE, BOB), store.members(room.roomId).stream().map(Membership::userId).toList());

    Pdu bobLeave = room.member(BOB, "leave", List.of(bobJoin.eventId()), 5);
    persist(bobLeave, StateBefore.afterEvent(bobJoin.eventId()));
    assertEquals("leave", store.membershipsOf(BOB).get(0).membership());
    assertEquals(Optional.of(bobLeave.eventId()),
        store.currentStateEventId(room.roomId, StateKey.of("m.room.member", BOB)));

    // A rejected state event changes neither state nor membership.
    Pdu rejectedJoin = room.member(BOB, "join", List.of(bobLeave.eventId()), 6);
    store.persist(new PersistRequest(rejectedJoin, EventStatus.rejected("not invited"),
        StateBefore.afterEvent(bobLeave.eventId()), CurrentStateUpdate.unchanged(), Optional.empty()));
    assertEquals("leave", store.membershipsOf(BOB).get(0).membership());
    assertEquals(store.stateBefore(rejectedJoin.eventId()), store.stateAfter(rejectedJoin.eventId()));
    assertEquals(2, store.members(room.roomId).size());
    assertTrue(store.membershipsOf("@nobody:larch.test").isEmpty());
  }

  @Test
  void currentState_resolvedMap_replacesStateAndMemberships() {
    Pdu create = createRoom();
    Pdu aliceJoin = room.member(ALICE, "join", List.of(create.eventId()), 2);
    persist(aliceJoin, StateBefore.afterEvent(create.eventId()));
    Pdu bobJoin = room.member(BOB, "join", List.of(aliceJoin.eventId()), 3);
    persist(bobJoin, StateBefore.afterEvent(aliceJoin.eventId()));

    // A resolution that drops Bob's membership (as if his join lost to a ban branch not modelled here).
    Map<StateKey, String> resolved = Map.of(
        StateKey.of("m.room.create", ""), create.eventId(),
        StateKey.of("m.room.member", ALICE), aliceJoin.eventId());
    Pdu message = room.message(ALICE, "after resolution", List.of(bobJoin.eventId()), 4);
    store.persist(new PersistRequest(message, EventStatus.ACCEPTED, StateBefore.resolved(resolved, bobJoin.eventId()),
        CurrentStateUpdate.to(resolved), Optional.empty()));

    assertEquals(resolved, store.currentState(room.roomId));
    assertEquals(resolved, store.stateAfter(message.eventId()).orElseThrow());
    assertTrue(store.membershipsOf(BOB).isEmpty());

    // The next ordinary event takes the slow path (the table, not the snapshot) and stays right.
    Pdu topic = room.state("m.room.topic", "", ALICE, List.of(message.eventId()), 5);
    persist(topic, StateBefore.afterEvent(message.eventId()));
    assertEquals(store.stateAfter(topic.eventId()).orElseThrow(), store.currentState(room.roomId));
    assertEquals(3, store.currentState(room.roomId).size());
  }

  @Test
  void outlier_hasNoStateNoPosition() {
    createRoom();
    Pdu outlier = room.member(BOB, "join", List.of("$remote-parent"), 9);
    PersistResult result = store.persist(PersistRequest.outlier(outlier));
    assertEquals(0, result.streamPosition());
    StoredEvent stored = store.event(outlier.eventId()).orElseThrow();
    assertTrue(stored.status().outlier());
    assertTrue(store.stateAfter(outlier.eventId()).isEmpty());
    assertTrue(store.membershipsOf(BOB).isEmpty());
  }

  @Test
  void eventsInStreamRange_bothDirectionsWithLimits() {
    Pdu create = createRoom();
    String prev = create.eventId();
    for (int i = 1; i <= 10; i++) {
      Pdu m = room.message(ALICE, "m" + i, List.of(prev), 1 + i);
      persist(m, StateBefore.afterEvent(prev));
      prev = m.eventId();
    }
    Pdu hidden = room.message(BOB, "soft", List.of(prev), 12);
    store.persist(new PersistRequest(hidden, EventStatus.SOFT_FAILED, StateBefore.afterEvent(prev),
        CurrentStateUpdate.unchanged(), Optional.empty()));
    long latest = store.latestStreamPosition();
    long createPos = store.event(create.eventId()).orElseThrow().streamPosition();

    List<StoredEvent> newest = store.eventsInStreamRange(room.roomId, createPos, latest, 3, Direction.BACKWARDS);
    assertEquals(List.of("m10", "m9", "m8"), bodies(newest));
    List<StoredEvent> oldest = store.eventsInStreamRange(room.roomId, createPos, latest, 3, Direction.FORWARDS);
    assertEquals(List.of("m1", "m2", "m3"), bodies(oldest));
    long m3 = oldest.get(2).streamPosition();
    assertEquals(List.of("m4", "m5"), bodies(store.eventsInStreamRange(room.roomId, m3, m3 + 2, 10,
        Direction.FORWARDS)));
    assertTrue(store.eventsInStreamRange(room.roomId, latest, Long.MAX_VALUE, 10, Direction.FORWARDS).isEmpty());
    assertTrue(store.eventsInStreamRange("!other:larch.test", 0, latest, 10, Direction.FORWARDS).isEmpty());
  }

  @Test
  void pagination_walksTopologicalOrderBothWays() {
    Pdu create = createRoom();
    String prev = create.eventId();
    for (int i = 1; i <= 12; i++) {
      Pdu m = room.message(ALICE, "m" + i, List.of(prev), 1 + i);
      persist(m, StateBefore.afterEvent(prev));
      prev = m.eventId();
    }
    // A fork off m3 persisted last: it sorts by depth (5, like m4), then after m4 by stream position.
    String m3 = store.eventsAfter(room.roomId, TopologicalPosition.START, 4).get(3).eventId();
    Pdu fork = room.message(BOB, "fork", List.of(m3), 5);
    persist(fork, StateBefore.afterEvent(m3));

    List<String> backwards = new ArrayList<>();
    TopologicalPosition from = TopologicalPosition.END;
    while (true) {
      List<StoredEvent> page = store.eventsBefore(room.roomId, from, 5);
      if (page.isEmpty()) {
        break;
      }
      backwards.addAll(bodies(page));
      from = page.get(page.size() - 1).topologicalPosition();
    }
    assertEquals(List.of("m12", "m11", "m10", "m9", "m8", "m7", "m6", "m5", "fork", "m4", "m3", "m2", "m1",
        "create"), backwards);

    List<String> forwards = new ArrayList<>();
    from = TopologicalPosition.START;
    while (true) {
      List<StoredEvent> page = store.eventsAfter(room.roomId, from, 4);
      if (page.isEmpty()) {
        break;
      }
      forwards.addAll(bodies(page));
      from = page.get(page.size() - 1).topologicalPosition();
    }
    List<String> expected = new ArrayList<>(backwards);
    Collections.reverse(expected);
    assertEquals(expected, forwards);
  }

  @Test
  void cachingStore_servesRepeatedReadsFromCache() {
    CachingRoomStore caching = new CachingRoomStore(store, 100);
    store = caching;
    Pdu create = createRoom();
    StoredEvent first = caching.event(create.eventId()).orElseThrow();
    StoredEvent second = caching.event(create.eventId()).orElseThrow();
    assertTrue(first == second, "the second read is the cached instance");
    assertEquals(List.of(create.eventId()),
        caching.events(List.of("$missing", create.eventId())).stream().map(StoredEvent::eventId).toList());
    assertTrue(caching.event("$missing").isEmpty());
    assertEquals(1, caching.cachedEvents());
  }

  @Test
  void cachingStore_withHeapBudget_keepsAboutThatMuch() {
    JdbcRoomStore jdbc = (JdbcRoomStore) store;
    Pdu create = createRoom();
    String prev = create.eventId();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      Pdu m = room.message(ALICE, "message " + i, List.of(prev), 2 + i);
      persist(m, StateBefore.afterEvent(prev));
      prev = m.eventId();
      ids.add(prev);
    }
    long oneEvent = CachingRoomStore.heapBytes(jdbc.event(prev).orElseThrow());
    CachingRoomStore caching = CachingRoomStore.withHeapBudget(jdbc, oneEvent * 5);
    for (String id : ids) {
      assertEquals(id, caching.event(id).orElseThrow().eventId(), "reads go through whatever is cached");
    }
    caching.cleanUp();
    assertTrue(caching.cachedEvents() >= 1 && caching.cachedEvents() <= 6, "cached: " + caching.cachedEvents());
  }

  @Test
  void streamPosition_survivesReopen() {
    Pdu create = createRoom();
    long before = store.latestStreamPosition();
    reopen();
    store = new JdbcRoomStore(database);
    assertEquals(before, store.latestStreamPosition());
    Pdu m = room.message(ALICE, "after restart", List.of(create.eventId()), 2);
    assertTrue(persist(m, StateBefore.afterEvent(create.eventId())).streamPosition() > before);
  }

  private static List<String> bodies(List<StoredEvent> events) {
    return events.stream()
        .map(e -> e.pdu().type().equals("m.room.create") ? "create" : e.pdu().content().get("body").asText())
        .toList();
  }
}
