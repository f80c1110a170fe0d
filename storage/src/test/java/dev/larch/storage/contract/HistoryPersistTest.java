package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.event.Pdu;
import dev.larch.core.room.Direction;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.PersistResult;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StateBefore;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.room.TopologicalPosition;
import dev.larch.storage.room.CachingRoomStore;
import dev.larch.storage.room.JdbcRoomStore;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link RoomStore#persistHistory}: backfilled events sort before what the room holds, below every stream position,
 * so the stream (what {@code /sync} reads) never shows them while topological reads ({@code /messages}) do.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class HistoryPersistTest extends DatabaseTest {
  private static final String ALICE = "@alice:larch.test";

  HistoryPersistTest(TestDatabase kind) {
    super(kind);
  }

  @Test
  void history_getsPositionsBelowEveryOther_andShowsInTopologicalReadsOnly() {
    RoomStore store = new CachingRoomStore(new JdbcRoomStore(database), 1_000);
    TestRoom room = new TestRoom("room");
    Pdu create = room.create(ALICE);
    store.persist(PersistRequest.accepted(create, StateBefore.none()));
    // The room as a join left it: the newest events, with a gap before them.
    Pdu m0 = room.message(ALICE, "0", List.of(create.eventId()), 2);
    Pdu m1 = room.message(ALICE, "1", List.of(m0.eventId()), 3);
    Pdu m2 = room.message(ALICE, "2", List.of(m1.eventId()), 4);
    Pdu m3 = room.message(ALICE, "3", List.of(m2.eventId()), 5);
    PersistResult newest = store.persist(PersistRequest.accepted(m3, StateBefore.afterEvent(create.eventId())));
    long latest = store.latestStreamPosition();

    List<PersistResult> results = store.persistHistory(List.of(
        PersistRequest.accepted(m2, StateBefore.afterEvent(create.eventId()))));
    assertFalse(results.get(0).alreadyStored());
    assertTrue(results.get(0).streamPosition() < 0, "below every position: " + results);
    // An older page of history goes lower still; the batch keeps its order (oldest first, lowest).
    List<PersistResult> older = store.persistHistory(List.of(
        PersistRequest.accepted(m0, StateBefore.afterEvent(create.eventId())),
        PersistRequest.accepted(m1, StateBefore.afterEvent(m0.eventId()))));
    assertTrue(older.get(0).streamPosition() < older.get(1).streamPosition());
    assertTrue(older.get(1).streamPosition() < results.get(0).streamPosition());

    assertEquals(latest, store.latestStreamPosition());
    assertEquals(List.of(create.eventId(), m3.eventId()),
        store.eventsInStreamRange(room.roomId, 0, Long.MAX_VALUE, 10, Direction.FORWARDS).stream()
            .map(StoredEvent::eventId).toList());
    assertEquals(List.of(m3.eventId(), m2.eventId(), m1.eventId(), m0.eventId(), create.eventId()),
        store.eventsBefore(room.roomId, TopologicalPosition.END, 10).stream().map(StoredEvent::eventId).toList());
    assertEquals(Set.of(m3.eventId()), store.forwardExtremities(room.roomId));
    assertEquals(results.get(0).streamPosition(),
        new JdbcRoomStore(database).event(m2.eventId()).orElseThrow().streamPosition());
    assertTrue(store.persistHistory(List.of(PersistRequest.accepted(m2, StateBefore.afterEvent(create.eventId()))))
        .get(0).alreadyStored());
    assertEquals(newest.streamPosition(), store.event(m3.eventId()).orElseThrow().streamPosition());
  }
}
