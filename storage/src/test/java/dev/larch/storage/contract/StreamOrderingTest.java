package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.event.Pdu;
import dev.larch.core.room.Direction;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.StateBefore;
import dev.larch.core.room.StoredEvent;
import dev.larch.storage.jdbc.StreamTracker;
import dev.larch.storage.room.JdbcRoomStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Stream positions under concurrent writers: unique, and never handed out as a token while a lower position is
 * still uncommitted. One room shared by two writers checks that the store serialises writers of a room.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class StreamOrderingTest extends DatabaseTest {
  private static final int OWN_ROOM_WRITERS = 6;
  private static final int EVENTS_PER_WRITER = 60;

  StreamOrderingTest(TestDatabase kind) {
    super(kind);
  }

  @Test
  void streamTracker_currentWaitsForLowestOpenPosition() {
    StreamTracker tracker = new StreamTracker(10);
    long a = tracker.allocate();
    long b = tracker.allocate();
    long c = tracker.allocate();
    tracker.finish(c);
    assertEquals(10, tracker.current());
    tracker.finish(a);
    assertEquals(11, tracker.current());
    tracker.finish(b);
    assertEquals(13, tracker.current());
  }

  @Test
  void concurrentPersists_positionsUniqueAndTokensNeverOvertaken() throws Exception {
    JdbcRoomStore store = new JdbcRoomStore(database);
    TestRoom shared = new TestRoom("shared");
    Pdu sharedCreate = shared.create("@creator:larch.test");
    store.persist(PersistRequest.accepted(sharedCreate, StateBefore.none()));

    ExecutorService pool = Executors.newFixedThreadPool(OWN_ROOM_WRITERS + 3);
    CountDownLatch start = new CountDownLatch(1);
    AtomicBoolean writing = new AtomicBoolean(true);
    Map<Long, Long> observedCounts = new ConcurrentHashMap<>();
    List<Future<List<String>>> writers = new ArrayList<>();
    for (int w = 0; w < OWN_ROOM_WRITERS; w++) {
      TestRoom room = new TestRoom("own" + w);
      writers.add(pool.submit(() -> {
        start.await();
        Pdu create = room.create("@creator:larch.test");
        store.persist(PersistRequest.accepted(create, StateBefore.none()));
        return chain(store, room, create.eventId(), 2, "w");
      }));
    }
    // Two writers extend two branches of one room at once: the store's room lock keeps the room consistent.
    for (int w = 0; w < 2; w++) {
      String label = "s" + w;
      writers.add(pool.submit(() -> {
        start.await();
        return chain(store, shared, sharedCreate.eventId(), 2, label);
      }));
    }
    // A /sync-like reader: takes a token, counts what is visible up to it; nothing may appear below it later.
    Future<?> reader = pool.submit(() -> {
      start.await();
      while (writing.get()) {
        long token = store.latestStreamPosition();
        if (!observedCounts.containsKey(token)) {
          observedCounts.put(token, countUpTo(token));
        }
      }
      return null;
    });
    start.countDown();
    List<String> heads = new ArrayList<>();
    for (Future<List<String>> writer : writers) {
      List<String> ids = writer.get(120, TimeUnit.SECONDS);
      heads.add(ids.get(ids.size() - 1));
    }
    writing.set(false);
    reader.get(30, TimeUnit.SECONDS);
    pool.shutdown();

    int total = 1 + OWN_ROOM_WRITERS * (1 + EVENTS_PER_WRITER) + 2 * EVENTS_PER_WRITER;
    assertEquals(total, countUpTo(Long.MAX_VALUE));
    assertEquals(total, store.latestStreamPosition(), "no gaps without rollbacks");
    for (Map.Entry<Long, Long> observed : observedCounts.entrySet()) {
      assertEquals(observed.getValue(), countUpTo(observed.getKey()),
          "an event appeared below token " + observed.getKey() + " after the token was handed out");
    }
    assertTrue(observedCounts.size() > 1, "the reader saw the stream move");

    // The shared room: both branch heads are its extremities, and its positions follow its own order.
    assertEquals(Set.of(heads.get(OWN_ROOM_WRITERS), heads.get(OWN_ROOM_WRITERS + 1)),
        store.forwardExtremities(shared.roomId));
    List<StoredEvent> sharedEvents =
        store.eventsInStreamRange(shared.roomId, 0, Long.MAX_VALUE, 10_000, Direction.FORWARDS);
    assertEquals(1 + 2 * EVENTS_PER_WRITER, sharedEvents.size());
    Set<Long> positions = new HashSet<>();
    long last = 0;
    for (StoredEvent e : sharedEvents) {
      assertTrue(e.streamPosition() > last);
      last = e.streamPosition();
      positions.add(e.streamPosition());
    }
    assertEquals(sharedEvents.size(), positions.size());
  }

  private static List<String> chain(JdbcRoomStore store, TestRoom room, String from, long depth, String label) {
    List<String> ids = new ArrayList<>();
    String prev = from;
    for (int i = 0; i < EVENTS_PER_WRITER; i++) {
      Pdu event = i % 7 == 3
          ? room.member("@" + label + i + ":larch.test", "join", List.of(prev), depth + i)
          : room.message("@creator:larch.test", label + i, List.of(prev), depth + i);
      store.persist(PersistRequest.accepted(event, StateBefore.afterEvent(prev)));
      prev = event.eventId();
      ids.add(prev);
    }
    return ids;
  }

  private long countUpTo(long token) throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("SELECT COUNT(*) FROM events WHERE stream_ordering <= ?")) {
      ps.setLong(1, token);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }
}
