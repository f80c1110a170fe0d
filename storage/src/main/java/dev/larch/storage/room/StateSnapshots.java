package dev.larch.storage.room;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.larch.core.event.StateKey;
import dev.larch.storage.jdbc.Sequences;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.Collections;
import java.util.HashMap;
import java.util.Map;

/**
 * State snapshots stored as deltas: the tables {@code state_snapshots} and {@code state_snapshot_entries}.
 *
 * <p>Implementation notes (the scheme is drawn in storage/README.md):
 *
 * <ul>
 *   <li>A snapshot is immutable and is either a <em>checkpoint</em> (no parent, entries = the full state) or a
 *       <em>delta</em> (a parent snapshot plus the entries that differ; an entry with a NULL event ID removes the
 *       slot). The state of a snapshot is its checkpoint's entries with each delta down the chain applied in order.
 *   <li>{@code chain_length} counts deltas since the checkpoint. A new snapshot becomes a checkpoint when the chain
 *       would reach {@link #CHECKPOINT_INTERVAL}, or when its delta is at least half the size of the full state, so a
 *       lookup reads at most one checkpoint plus {@code CHECKPOINT_INTERVAL - 1} small deltas, in one query.
 *   <li>Events that change no state (messages, rejected events) reuse the snapshot before them: snapshots are made
 *       only by state events and by resolved states that differ from their base.
 *   <li>Because snapshots never change, full states are cached by ID. An ID from a rolled-back transaction is
 *       never reused (it comes from a sequence), so a cached entry cannot be wrong, only unused.
 *   <li>{@code null} as a snapshot ID stands for the empty state.
 * </ul>
 */
final class StateSnapshots {
  /** Deltas between checkpoints; a full-state lookup reads at most this many snapshots. */
  static final int CHECKPOINT_INTERVAL = 32;

  private static final String LOAD_CHAIN =
      "WITH RECURSIVE chain (snapshot_id, parent_id, chain_length) AS ("
          + " SELECT snapshot_id, parent_id, chain_length FROM state_snapshots WHERE snapshot_id = ?"
          + " UNION ALL"
          + " SELECT s.snapshot_id, s.parent_id, s.chain_length FROM state_snapshots s"
          + " JOIN chain c ON s.snapshot_id = c.parent_id)"
          + " SELECT c.chain_length, e.event_type, e.state_key, e.event_id"
          + " FROM chain c JOIN state_snapshot_entries e ON e.snapshot_id = c.snapshot_id"
          + " ORDER BY c.chain_length";

  private final Cache<Long, Map<StateKey, String>> fullStates;

  StateSnapshots(long cachedEntries) {
    this.fullStates =
        Caffeine.newBuilder()
            .maximumWeight(cachedEntries)
            .<Long, Map<StateKey, String>>weigher((id, state) -> 1 + state.size())
            .executor(Runnable::run) // upkeep on the calling thread, as in CachingRoomStore
            .build();
  }

  /** The full state of a snapshot if it is in memory (the empty map for {@code null}), else null. */
  Map<StateKey, String> cached(Long snapshotId) {
    return snapshotId == null ? Map.of() : fullStates.getIfPresent(snapshotId);
  }

  /** The full state of a snapshot; the empty map for {@code null}. */
  Map<StateKey, String> load(Connection c, Long snapshotId) throws SQLException {
    if (snapshotId == null) {
      return Map.of();
    }
    Map<StateKey, String> cached = fullStates.getIfPresent(snapshotId);
    if (cached != null) {
      return cached;
    }
    Map<StateKey, String> state = new HashMap<>();
    try (PreparedStatement ps = c.prepareStatement(LOAD_CHAIN)) {
      ps.setLong(1, snapshotId);
      try (ResultSet rs = ps.executeQuery()) {
        // Ascending chain_length: the checkpoint first, then each delta overrides what came before.
        while (rs.next()) {
          StateKey key = new StateKey(rs.getString(2), rs.getString(3));
          String eventId = rs.getString(4);
          if (eventId == null) {
            state.remove(key);
          } else {
            state.put(key, eventId);
          }
        }
      }
    }
    Map<StateKey, String> result = Collections.unmodifiableMap(state);
    fullStates.put(snapshotId, result);
    return result;
  }

  /** The snapshot of {@code parent} with one slot set: what a state event does. */
  Long withEntry(Connection c, String roomId, Long parent, StateKey key, String eventId) throws SQLException {
    Map<StateKey, String> delta = new HashMap<>();
    delta.put(key, eventId);
    return create(c, roomId, parent, delta, null);
  }

  /**
   * The snapshot holding exactly {@code state}, as a delta against {@code base} when that is smaller than a copy.
   * Returns {@code base} itself if the states are equal.
   */
  Long forState(Connection c, String roomId, Long base, Map<StateKey, String> state) throws SQLException {
    Map<StateKey, String> delta = diff(load(c, base), state);
    if (delta.isEmpty()) {
      return base;
    }
    if (state.isEmpty()) {
      // The empty state has no snapshot: null stands for it.
      return null;
    }
    return create(c, roomId, base, delta, state);
  }

  /**
   * The entries that turn {@code from} into {@code to}: changed or added slots with their new event, removed slots
   * with null.
   */
  static Map<StateKey, String> diff(Map<StateKey, String> from, Map<StateKey, String> to) {
    Map<StateKey, String> delta = new HashMap<>();
    for (Map.Entry<StateKey, String> entry : to.entrySet()) {
      if (!entry.getValue().equals(from.get(entry.getKey()))) {
        delta.put(entry.getKey(), entry.getValue());
      }
    }
    for (StateKey key : from.keySet()) {
      if (!to.containsKey(key)) {
        delta.put(key, null);
      }
    }
    return delta;
  }

  // fullState may be null when the caller does not have it; it is then loaded only if a checkpoint is due.
  private Long create(
      Connection c, String roomId, Long parent, Map<StateKey, String> delta, Map<StateKey, String> fullState)
      throws SQLException {
    int parentChain = parent == null ? -1 : chainLength(c, parent);
    boolean checkpoint =
        parent == null
            || parentChain + 1 >= CHECKPOINT_INTERVAL
            || (fullState != null && delta.size() * 2 >= fullState.size());
    long id = nextId(c);
    if (checkpoint) {
      Map<StateKey, String> full = fullState != null ? fullState : apply(load(c, parent), delta);
      insertSnapshot(c, id, roomId, null, 0);
      insertEntries(c, id, full);
      fullStates.put(id, Collections.unmodifiableMap(new HashMap<>(full)));
    } else {
      insertSnapshot(c, id, roomId, parent, parentChain + 1);
      insertEntries(c, id, delta);
    }
    return id;
  }

  private static Map<StateKey, String> apply(Map<StateKey, String> base, Map<StateKey, String> delta) {
    Map<StateKey, String> full = new HashMap<>(base);
    delta.forEach(
        (key, eventId) -> {
          if (eventId == null) {
            full.remove(key);
          } else {
            full.put(key, eventId);
          }
        });
    return full;
  }

  private static int chainLength(Connection c, long snapshotId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("SELECT chain_length FROM state_snapshots WHERE snapshot_id = ?")) {
      ps.setLong(1, snapshotId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          throw new IllegalStateException("missing state snapshot " + snapshotId);
        }
        return rs.getInt(1);
      }
    }
  }

  private static long nextId(Connection c) throws SQLException {
    return Sequences.next(c, "state_snapshot_ids");
  }

  private static void insertSnapshot(Connection c, long id, String roomId, Long parent, int chainLength)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO state_snapshots (snapshot_id, room_id, parent_id, chain_length) VALUES (?, ?, ?, ?)")) {
      ps.setLong(1, id);
      ps.setString(2, roomId);
      if (parent == null) {
        ps.setNull(3, Types.BIGINT);
      } else {
        ps.setLong(3, parent);
      }
      ps.setInt(4, chainLength);
      ps.executeUpdate();
    }
  }

  private static void insertEntries(Connection c, long id, Map<StateKey, String> entries) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO state_snapshot_entries (snapshot_id, event_type, state_key, event_id)"
                + " VALUES (?, ?, ?, ?)")) {
      for (Map.Entry<StateKey, String> entry : entries.entrySet()) {
        ps.setLong(1, id);
        ps.setString(2, entry.getKey().type());
        ps.setString(3, entry.getKey().stateKey());
        ps.setString(4, entry.getValue());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }
}
