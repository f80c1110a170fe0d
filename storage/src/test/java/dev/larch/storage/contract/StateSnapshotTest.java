package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.CurrentStateUpdate;
import dev.larch.core.room.EventStatus;
import dev.larch.core.room.Membership;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.StateBefore;
import dev.larch.storage.room.JdbcRoomStore;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * State snapshots stored as deltas must give the same full state as a naive model that copies the whole state for
 * every event, at every event of a branching DAG.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class StateSnapshotTest extends DatabaseTest {
  private static final int EVENTS = 1_000;
  private static final String[] TYPES = {"m.room.member", "m.room.topic", "m.room.name", "org.example.state"};

  StateSnapshotTest(TestDatabase kind) {
    super(kind);
  }

  @Test
  void stateAtEveryEvent_ofBranchingDag_matchesFullCopyModel() throws SQLException {
    JdbcRoomStore store = new JdbcRoomStore(database);
    TestRoom room = new TestRoom("dag");
    Random random = new Random(20240611L);
    // The naive model: a full copy of the state before and after each event.
    Map<String, Map<StateKey, String>> modelBefore = new HashMap<>();
    Map<String, Map<StateKey, String>> modelAfter = new HashMap<>();
    Map<String, Long> depths = new HashMap<>();
    List<String> events = new ArrayList<>();

    Pdu create = room.create("@creator:larch.test");
    store.persist(PersistRequest.accepted(create, StateBefore.none()));
    modelBefore.put(create.eventId(), Map.of());
    modelAfter.put(create.eventId(), Map.of(StateKey.of("m.room.create", ""), create.eventId()));
    depths.put(create.eventId(), 1L);
    events.add(create.eventId());

    for (int i = 1; i < EVENTS; i++) {
      // Mostly extend a recent event; sometimes fork off an older one; sometimes merge two or three branches.
      int parents = random.nextInt(10) < 2 ? 2 + random.nextInt(2) : 1;
      List<String> prevs = new ArrayList<>();
      while (prevs.size() < parents && prevs.size() < events.size()) {
        int window = random.nextInt(10) == 0 ? events.size() : Math.min(events.size(), 8);
        String candidate = events.get(events.size() - 1 - random.nextInt(window));
        if (!prevs.contains(candidate)) {
          prevs.add(candidate);
        }
      }
      long depth = 1 + prevs.stream().mapToLong(depths::get).max().orElseThrow();

      StateBefore stateBefore;
      Map<StateKey, String> before;
      if (prevs.size() == 1 && random.nextInt(20) != 0) {
        before = modelAfter.get(prevs.get(0));
        stateBefore = StateBefore.afterEvent(prevs.get(0));
      } else {
        // A stand-in for state resolution: merge the parents' states, later parents winning, and now and then
        // drop a slot, which the store must record as a removal.
        before = new HashMap<>();
        for (String prev : prevs) {
          before.putAll(modelAfter.get(prev));
        }
        if (random.nextInt(4) == 0 && before.size() > 2) {
          StateKey victim = new ArrayList<>(new TreeMap<>(before).keySet()).get(1 + random.nextInt(before.size() - 1));
          before.remove(victim);
        }
        before = Map.copyOf(before);
        stateBefore = StateBefore.resolved(before, random.nextBoolean() ? prevs.get(0) : null);
      }

      Pdu event;
      if (random.nextInt(10) < 6) {
        String type = TYPES[random.nextInt(TYPES.length)];
        String key = type.equals("m.room.member") ? "@u" + random.nextInt(30) + ":larch.test"
            : type.equals("org.example.state") ? "k" + random.nextInt(5) : "";
        event = type.equals("m.room.member")
            ? room.member(key, random.nextBoolean() ? "join" : "leave", prevs, depth)
            : room.state(type, key, "@creator:larch.test", prevs, depth);
      } else {
        event = room.message("@creator:larch.test", "m" + i, prevs, depth);
      }
      boolean rejected = random.nextInt(25) == 0;
      EventStatus status = rejected ? EventStatus.rejected("test") : EventStatus.ACCEPTED;
      // Every accepted event becomes current state, so current state often jumps between branches (slow path).
      store.persist(new PersistRequest(event, status, stateBefore,
          rejected ? CurrentStateUpdate.unchanged() : CurrentStateUpdate.toStateAfterEvent(), Optional.empty()));

      Map<StateKey, String> after = new HashMap<>(before);
      if (event.isState() && !rejected) {
        after.put(event.stateSlot().orElseThrow(), event.eventId());
      }
      modelBefore.put(event.eventId(), before);
      modelAfter.put(event.eventId(), Map.copyOf(after));
      depths.put(event.eventId(), depth);
      events.add(event.eventId());
    }

    // Read through a fresh store so nothing comes from the snapshot cache of the writer.
    reopen();
    JdbcRoomStore reader = new JdbcRoomStore(database);
    for (String eventId : events) {
      assertEquals(modelBefore.get(eventId), reader.stateBefore(eventId).orElseThrow(), "state before " + eventId);
      assertEquals(modelAfter.get(eventId), reader.stateAfter(eventId).orElseThrow(), "state after " + eventId);
    }
    String lastAccepted = lastAccepted(events, reader);
    Map<StateKey, String> current = modelAfter.get(lastAccepted);
    assertEquals(current, reader.currentState(room.roomId));
    Map<String, String> expectedMembers = new TreeMap<>();
    current.forEach((key, eventId) -> {
      if (key.type().equals("m.room.member")) {
        expectedMembers.put(key.stateKey(), eventId);
      }
    });
    Map<String, String> actualMembers = new TreeMap<>();
    for (Membership m : reader.members(room.roomId)) {
      actualMembers.put(m.userId(), m.eventId());
    }
    assertEquals(expectedMembers, actualMembers);
    assertDeltasAreSmall();
  }

  private static String lastAccepted(List<String> events, JdbcRoomStore store) {
    for (int i = events.size() - 1; ; i--) {
      if (!store.event(events.get(i)).orElseThrow().status().rejected()) {
        return events.get(i);
      }
    }
  }

  // Storage stays far below one full copy per event: the point of the delta scheme.
  private void assertDeltasAreSmall() throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM state_snapshot_entries")) {
      rs.next();
      long entries = rs.getLong(1);
      // A full copy per event would be about EVENTS * 40 entries here.
      org.junit.jupiter.api.Assertions.assertTrue(entries < EVENTS * 10L, "snapshot entries: " + entries);
    }
  }
}
