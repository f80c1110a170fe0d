package dev.larch.storage.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.Direction;
import dev.larch.core.room.Membership;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.PersistResult;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.room.TopologicalPosition;
import dev.larch.core.room.TxnKey;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.StreamTracker;
import dev.larch.storage.jdbc.Tx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * {@link RoomStore} over JDBC. {@link #persist} is one transaction that locks the room's row first, so writers of
 * one room queue up while other rooms proceed; see storage/README.md for the tables and the snapshot scheme.
 */
public final class JdbcRoomStore implements RoomStore {
  /** Full states kept in memory, counted in state entries. */
  private static final long SNAPSHOT_CACHE_ENTRIES = 500_000;

  /** Rooms whose forward extremities are kept in memory. */
  private static final long CACHED_ROOMS = 10_000;

  /** Events whose state snapshot references are kept in memory. */
  private static final long CACHED_STATE_REFS = 100_000;

  private final Tx tx;
  private final StreamTracker positions;
  private final StateSnapshots snapshots = new StateSnapshots(SNAPSHOT_CACHE_ENTRIES);
  private final RoomHeads heads = new RoomHeads(CACHED_ROOMS, CACHED_STATE_REFS);
  private final EventPersister persister;

  public JdbcRoomStore(Database database) {
    this.tx = database.tx();
    this.positions = new StreamTracker(tx.read(c -> maxLong(c, "SELECT MAX(stream_ordering) FROM events")));
    this.persister =
        new EventPersister(tx, positions, snapshots, new RoomStateWriter(database.dialect()), heads);
  }

  /** Forgets the in-memory copies of room heads ({@link RoomHeads#dropAll}), for an idle node. */
  public void dropCachedHeads() {
    heads.dropAll();
  }

  @Override
  public PersistResult persist(PersistRequest request) {
    return persister.persist(request);
  }

  @Override
  public Optional<List<PersistResult>> persistAll(List<PersistRequest> requests) {
    return persister.persistAll(requests);
  }

  @Override
  public List<PersistResult> persistHistory(List<PersistRequest> requests) {
    return persister.persistHistory(requests);
  }

  @Override
  public PersistResult persistOutOfBandMembership(Pdu event) {
    return persister.persistOutOfBand(event);
  }

  @Override
  public Optional<RoomVersion> roomVersion(String roomId) {
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT room_version FROM rooms WHERE room_id = ?")) {
        ps.setString(1, roomId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? RoomVersion.byIdentifier(rs.getString(1)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public Optional<StoredEvent> event(String eventId) {
    return events(List.of(eventId)).stream().findFirst();
  }

  @Override
  public List<StoredEvent> events(Collection<String> eventIds) {
    if (eventIds.isEmpty()) {
      return List.of();
    }
    return tx.read(c -> EventRows.byIds(c, eventIds));
  }

  @Override
  public Optional<Map<StateKey, String>> stateBefore(String eventId) {
    return state(eventId, true);
  }

  @Override
  public Optional<Map<StateKey, String>> stateAfter(String eventId) {
    return state(eventId, false);
  }

  // Served from memory when both the event's references and the snapshot's full state are cached (the head of a
  // busy room), else in one read transaction.
  private Optional<Map<StateKey, String>> state(String eventId, boolean before) {
    Optional<EventRows.StateRefs> cached = heads.refs(eventId);
    if (cached.isPresent()) {
      if (cached.get().outlier()) {
        return Optional.empty();
      }
      Map<StateKey, String> state = snapshots.cached(before ? cached.get().before() : cached.get().after());
      if (state != null) {
        return Optional.of(state);
      }
    }
    return tx.read(c -> {
      Optional<EventRows.StateRefs> refs = EventRows.stateRefs(c, eventId);
      refs.ifPresent(r -> heads.putRefs(eventId, r));
      if (refs.isEmpty() || refs.get().outlier()) {
        return Optional.empty();
      }
      return Optional.of(snapshots.load(c, before ? refs.get().before() : refs.get().after()));
    });
  }

  @Override
  public Map<StateKey, String> currentState(String roomId) {
    return tx.read(c -> Map.copyOf(RoomStateWriter.currentState(c, roomId)));
  }

  @Override
  public Optional<String> currentStateEventId(String roomId, StateKey key) {
    return tx.read(c -> {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT event_id FROM room_current_state WHERE room_id = ? AND event_type = ? AND state_key = ?")) {
        ps.setString(1, roomId);
        ps.setString(2, key.type());
        ps.setString(3, key.stateKey());
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
        }
      }
    });
  }

  @Override
  public Set<String> forwardExtremities(String roomId) {
    return heads.extremities(roomId, this::loadForwardExtremities);
  }

  private Set<String> loadForwardExtremities(String roomId) {
    return tx.read(c -> {
      Set<String> ids = new HashSet<>();
      try (PreparedStatement ps =
          c.prepareStatement("SELECT event_id FROM room_forward_extremities WHERE room_id = ?")) {
        ps.setString(1, roomId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            ids.add(rs.getString(1));
          }
        }
      }
      return Set.copyOf(ids);
    });
  }

  @Override
  public List<Membership> membershipsOf(String userId) {
    return memberships("user_id", userId);
  }

  @Override
  public List<Membership> members(String roomId) {
    return memberships("room_id", roomId);
  }

  private List<Membership> memberships(String column, String value) {
    return tx.read(c -> {
      List<Membership> result = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT room_id, user_id, membership, event_id, stream_ordering FROM room_memberships WHERE "
                  + column + " = ? ORDER BY room_id, user_id")) {
        ps.setString(1, value);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            result.add(new Membership(
                rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getLong(5)));
          }
        }
      }
      return result;
    });
  }

  @Override
  public List<StoredEvent> eventsInStreamRange(
      String roomId, long fromExclusive, long toInclusive, int limit, Direction direction) {
    // Never beyond the published position: an event above it may have a lower-numbered neighbour still in flight.
    long to = Math.min(toInclusive, positions.current());
    if (to <= fromExclusive || limit <= 0) {
      return List.of();
    }
    return tx.read(c -> {
      String order = direction == Direction.FORWARDS ? "ASC" : "DESC";
      try (PreparedStatement ps = c.prepareStatement(streamRangeSql(order))) {
        ps.setString(1, roomId);
        ps.setLong(2, fromExclusive);
        ps.setLong(3, to);
        ps.setInt(4, limit);
        return EventRows.query(ps);
      }
    });
  }

  @Override
  public List<StoredEvent> eventsBefore(String roomId, TopologicalPosition from, int limit) {
    return paginate(roomId, from, limit, "<", "DESC");
  }

  @Override
  public List<StoredEvent> eventsAfter(String roomId, TopologicalPosition from, int limit) {
    return paginate(roomId, from, limit, ">", "ASC");
  }

  private List<StoredEvent> paginate(
      String roomId, TopologicalPosition from, int limit, String comparison, String order) {
    if (limit <= 0) {
      return List.of();
    }
    long ceiling = positions.current();
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(paginateSql(comparison, order))) {
        ps.setString(1, roomId);
        ps.setLong(2, ceiling);
        ps.setLong(3, from.depth());
        ps.setLong(4, from.depth());
        ps.setLong(5, from.depth());
        ps.setLong(6, from.streamPosition());
        ps.setInt(7, limit);
        return EventRows.query(ps);
      }
    });
  }

  // H2 reads an index in order (and stops at the LIMIT) only when the ORDER BY names the index's leading columns,
  // even room_id, which the WHERE fixes; without it, it read every event of the room and sorted them (a
  // /messages?limit=1 in a 13,000-event room took ~240 ms of CPU). The depth bound lets it start at `from`.
  // PostgreSQL plans both forms alike. EventQueryPlanTest holds H2 to it.

  /** Events of a room in a stream range, through events_room_stream. */
  static String streamRangeSql(String order) {
    return "SELECT " + EventRows.COLUMNS + " FROM events WHERE room_id = ? AND stream_ordering > ?"
        + " AND stream_ordering <= ? AND " + EventRows.VISIBLE
        + " ORDER BY room_id " + order + ", stream_ordering " + order + " LIMIT ?";
  }

  /** Events of a room before or after a topological position, through events_room_topological. */
  static String paginateSql(String comparison, String order) {
    return "SELECT " + EventRows.COLUMNS + " FROM events WHERE room_id = ? AND " + EventRows.VISIBLE
        + " AND stream_ordering <= ? AND depth " + comparison + "= ?"
        + " AND (depth " + comparison + " ? OR (depth = ? AND stream_ordering " + comparison + " ?))"
        + " ORDER BY room_id " + order + ", depth " + order + ", stream_ordering " + order + " LIMIT ?";
  }

  @Override
  public long latestStreamPosition() {
    return positions.current();
  }

  @Override
  public Optional<String> eventIdForTransaction(TxnKey txn) {
    return tx.read(c -> ClientTransactionRows.eventId(c, txn));
  }

  @Override
  public Map<String, String> transactionIds(Collection<String> eventIds, String userId, String deviceId) {
    if (eventIds.isEmpty()) {
      return Map.of();
    }
    return tx.read(c -> Map.copyOf(ClientTransactionRows.txnIds(c, eventIds, userId, deviceId)));
  }

  @Override
  public boolean replaceWithRedacted(String eventId, ObjectNode redactedEvent) {
    return tx.inTransaction(c -> EventRows.replaceJson(c, eventId, redactedEvent));
  }

  private static long maxLong(Connection c, String sql) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql);
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }
}
