package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.Direction;
import dev.larch.core.room.EventStatus;
import dev.larch.core.room.Membership;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.PersistResult;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StateBefore;
import dev.larch.core.room.StoredEvent;
import dev.larch.storage.room.CachingRoomStore;
import dev.larch.storage.room.JdbcRoomStore;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An event stored first as an outlier (an auth chain, a state gap) and persisted later with its state becomes a
 * timeline event: a stream position clients see, state before and after, a place among the forward extremities and
 * in current state. Through the caching store, so a cached outlier is not served afterwards.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class OutlierUpgradeTest extends DatabaseTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String BOB = "@bob:larch.test";

  private RoomStore store;
  private TestRoom room;
  private Pdu create;
  private Pdu aliceJoin;

  OutlierUpgradeTest(TestDatabase kind) {
    super(kind);
  }

  @BeforeEach
  void createRoom() {
    store = new CachingRoomStore(new JdbcRoomStore(database), 1_000);
    room = new TestRoom("room");
    create = room.create(ALICE);
    store.persist(PersistRequest.accepted(create, StateBefore.none()));
    aliceJoin = room.member(ALICE, "join", List.of(create.eventId()), 2);
    store.persist(PersistRequest.accepted(aliceJoin, StateBefore.afterEvent(create.eventId())));
  }

  private List<String> timeline() {
    return store.eventsInStreamRange(room.roomId, 0, Long.MAX_VALUE, 100, Direction.FORWARDS).stream()
        .map(StoredEvent::eventId).toList();
  }

  @Test
  void anOutlierPersistedWithItsState_becomesATimelineEvent() {
    Pdu bobJoin = room.member(BOB, "join", List.of(aliceJoin.eventId()), 3);
    assertEquals(0, store.persist(PersistRequest.outlier(bobJoin)).streamPosition());
    assertTrue(store.event(bobJoin.eventId()).orElseThrow().status().outlier(), "read (and cached) as an outlier");
    assertEquals(List.of(create.eventId(), aliceJoin.eventId()), timeline());
    long before = store.latestStreamPosition();

    PersistResult upgraded =
        store.persist(PersistRequest.accepted(bobJoin, StateBefore.afterEvent(aliceJoin.eventId())));

    assertFalse(upgraded.alreadyStored());
    assertTrue(upgraded.streamPosition() > before, "a new position, so /sync shows it as new");
    StoredEvent stored = store.event(bobJoin.eventId()).orElseThrow();
    assertEquals(EventStatus.ACCEPTED, stored.status());
    assertEquals(upgraded.streamPosition(), stored.streamPosition());
    assertEquals(List.of(create.eventId(), aliceJoin.eventId(), bobJoin.eventId()), timeline());
    assertEquals(Set.of(bobJoin.eventId()), store.forwardExtremities(room.roomId));
    assertEquals(bobJoin.eventId(), store.stateAfter(bobJoin.eventId()).orElseThrow()
        .get(StateKey.of("m.room.member", BOB)));
    assertEquals(store.stateAfter(aliceJoin.eventId()), store.stateBefore(bobJoin.eventId()));
    assertEquals(store.stateAfter(bobJoin.eventId()).orElseThrow(), store.currentState(room.roomId));
    assertEquals(List.of(new Membership(room.roomId, BOB, "join", bobJoin.eventId(), upgraded.streamPosition())),
        store.membershipsOf(BOB));

    // Once upgraded, it is stored like any event: persisting it again (either way) writes nothing.
    PersistResult again =
        store.persist(PersistRequest.accepted(bobJoin, StateBefore.afterEvent(aliceJoin.eventId())));
    assertTrue(again.alreadyStored());
    assertEquals(upgraded.streamPosition(), again.streamPosition());
    assertTrue(store.persist(PersistRequest.outlier(bobJoin)).alreadyStored());
    assertEquals(EventStatus.ACCEPTED, new JdbcRoomStore(database).event(bobJoin.eventId()).orElseThrow().status());
  }

  @Test
  void anOutlierPersistedAgainAsAnOutlier_staysOne() {
    Pdu message = room.message(BOB, "gap", List.of("$unknown-parent"), 7);
    store.persist(PersistRequest.outlier(message));
    PersistResult again = store.persist(PersistRequest.outlier(message));
    assertTrue(again.alreadyStored());
    assertEquals(0, again.streamPosition());
    assertTrue(new JdbcRoomStore(database).event(message.eventId()).orElseThrow().status().outlier());
    assertEquals(Set.of(aliceJoin.eventId()), store.forwardExtremities(room.roomId));
  }

  @Test
  void aBatchMayUpgradeAnOutlier_andBuildOnIt() {
    Pdu topic = room.state("m.room.topic", "", ALICE, List.of(aliceJoin.eventId()), 3);
    store.persist(PersistRequest.outlier(topic));
    Pdu message = room.message(ALICE, "after the topic", List.of(topic.eventId()), 4);

    List<PersistResult> results = store.persistAll(List.of(
        PersistRequest.accepted(topic, StateBefore.afterEvent(aliceJoin.eventId())),
        PersistRequest.accepted(message, StateBefore.afterEvent(topic.eventId())))).orElseThrow();

    assertFalse(results.get(0).alreadyStored());
    assertTrue(results.get(0).streamPosition() > 0);
    assertTrue(results.get(1).streamPosition() > results.get(0).streamPosition());
    assertEquals(List.of(create.eventId(), aliceJoin.eventId(), topic.eventId(), message.eventId()), timeline());
    assertEquals(Set.of(message.eventId()), store.forwardExtremities(room.roomId));
    assertEquals(topic.eventId(), store.currentState(room.roomId).get(StateKey.of("m.room.topic", "")));
    assertEquals(topic.eventId(), store.stateBefore(message.eventId()).orElseThrow()
        .get(StateKey.of("m.room.topic", "")));
  }
}
