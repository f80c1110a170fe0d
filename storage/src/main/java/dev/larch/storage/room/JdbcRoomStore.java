package dev.larch.storage.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.json.CanonicalJson;
import dev.larch.core.room.CurrentStateUpdate;
import dev.larch.core.room.Direction;
import dev.larch.core.room.Membership;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.PersistResult;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StateBefore;
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

  // rooms.current_snapshot_id after a caller-resolved current state, which has no snapshot (see V001).
  private static final long RESOLVED_CURRENT_STATE = -1;

  private final Tx tx;
  private final StreamTracker positions;
  private final StateSnapshots snapshots = new StateSnapshots(SNAPSHOT_CACHE_ENTRIES);
  private final RoomStateWriter writer;

  public JdbcRoomStore(Database database) {
    this.tx = database.tx();
    this.writer = new RoomStateWriter(database.dialect());
    this.positions = new StreamTracker(tx.read(c -> maxLong(c, "SELECT MAX(stream_ordering) FROM events")));
  }

  @Override
  public PersistResult persist(PersistRequest request) {
    Pdu event = request.event();
    Objects.requireNonNull(event.roomId(), "event has no room ID");
    // Encoded once, outside the transaction: a retry must not pay for it again.
    byte[] json = CanonicalJson.forRoomVersion(event.roomVersion()).encode(event.json());
    List<Long> allocated = new ArrayList<>(1);
    try {
      return tx.inTransaction(c -> persistIn(c, request, json, allocated));
    } finally {
      // After commit (or final failure): only now may the stream token pass these positions.
      allocated.forEach(positions::finish);
    }
  }

  private PersistResult persistIn(Connection c, PersistRequest request, byte[] json, List<Long> allocated)
      throws SQLException {
    Pdu event = request.event();
    String roomId = event.roomId();
    Long currentSnapshot = lockRoom(c, roomId, event.roomVersion());
    if (request.txn().isPresent()) {
      Optional<String> earlier = ClientTransactionRows.eventId(c, request.txn().get());
      if (earlier.isPresent()) {
        return new PersistResult(earlier.get(), EventRows.streamPosition(c, earlier.get()).orElse(0L), true);
      }
    }
    Optional<Long> stored = EventRows.streamPosition(c, event.eventId());
    if (stored.isPresent()) {
      // TODO(#3): an outlier persisted again with state should be de-outliered, as Synapse does.
      return new PersistResult(event.eventId(), stored.get(), true);
    }

    Long before = null;
    Long after = null;
    Map<StateKey, String> ownChange = Map.of();
    if (!request.status().outlier()) {
      before = snapshotBefore(c, roomId, request.stateBefore());
      Optional<StateKey> slot = event.stateSlot();
      if (slot.isPresent() && !request.status().rejected()) {
        after = snapshots.withEntry(c, roomId, before, slot.get(), event.eventId());
        ownChange = Map.of(slot.get(), event.eventId());
      } else {
        after = before;
      }
    }
    long position = 0;
    if (!request.status().outlier()) {
      position = positions.allocate();
      allocated.add(position);
    }
    EventRows.insert(c, event, json, request.status(), position, before, after);
    if (request.status().visibleToClients()) {
      writer.updateForwardExtremities(c, roomId, event.eventId(), event.prevEventIds());
    }
    updateCurrentState(c, roomId, currentSnapshot, request.currentState(), before, after, ownChange);
    if (request.txn().isPresent()) {
      ClientTransactionRows.insert(c, request.txn().get(), event.eventId());
    }
    return new PersistResult(event.eventId(), position, false);
  }

  /** Creates the room's row if needed, locks it for this transaction and returns its current snapshot ID. */
  private Long lockRoom(Connection c, String roomId, RoomVersion version) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO rooms (room_id, room_version) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      ps.setString(1, roomId);
      ps.setString(2, version.identifier());
      ps.executeUpdate();
    }
    try (PreparedStatement ps =
        c.prepareStatement("SELECT current_snapshot_id FROM rooms WHERE room_id = ? FOR UPDATE")) {
      ps.setString(1, roomId);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return EventRows.longOrNull(rs, 1);
      }
    }
  }

  private Long snapshotBefore(Connection c, String roomId, StateBefore stateBefore) throws SQLException {
    if (stateBefore instanceof StateBefore.AfterEvent afterEvent) {
      EventRows.StateRefs refs =
          EventRows.stateRefs(c, afterEvent.eventId())
              .filter(r -> !r.outlier())
              .orElseThrow(() -> new IllegalArgumentException(
                  "state before refers to an event stored without state: " + afterEvent.eventId()));
      return refs.after();
    }
    if (stateBefore instanceof StateBefore.Resolved resolved) {
      Long base = null;
      if (resolved.baseEventId() != null) {
        base = EventRows.stateRefs(c, resolved.baseEventId())
            .filter(r -> !r.outlier())
            .map(EventRows.StateRefs::after)
            .orElse(null);
      }
      return snapshots.forState(c, roomId, base, resolved.state());
    }
    return null;
  }

  private void updateCurrentState(
      Connection c,
      String roomId,
      Long currentSnapshot,
      CurrentStateUpdate update,
      Long before,
      Long after,
      Map<StateKey, String> ownChange)
      throws SQLException {
    Map<StateKey, String> delta;
    Long newSnapshot;
    if (update instanceof CurrentStateUpdate.ToStateAfterEvent) {
      if (Objects.equals(currentSnapshot, before)) {
        // Fast path: current state was the state before the event, so only the event's own change applies.
        delta = ownChange;
      } else {
        delta = StateSnapshots.diff(RoomStateWriter.currentState(c, roomId), snapshots.load(c, after));
      }
      newSnapshot = after;
    } else if (update instanceof CurrentStateUpdate.To to) {
      delta = StateSnapshots.diff(RoomStateWriter.currentState(c, roomId), to.state());
      newSnapshot = RESOLVED_CURRENT_STATE;
    } else {
      return;
    }
    writer.applyToCurrentState(c, roomId, delta);
    if (!Objects.equals(newSnapshot, currentSnapshot)) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE rooms SET current_snapshot_id = ? WHERE room_id = ?")) {
        EventRows.setLongOrNull(ps, 1, newSnapshot);
        ps.setString(2, roomId);
        ps.executeUpdate();
      }
    }
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
    return tx.read(c -> {
      Optional<EventRows.StateRefs> refs = EventRows.stateRefs(c, eventId).filter(r -> !r.outlier());
      return refs.isPresent() ? Optional.of(snapshots.load(c, refs.get().before())) : Optional.empty();
    });
  }

  @Override
  public Optional<Map<StateKey, String>> stateAfter(String eventId) {
    return tx.read(c -> {
      Optional<EventRows.StateRefs> refs = EventRows.stateRefs(c, eventId).filter(r -> !r.outlier());
      return refs.isPresent() ? Optional.of(snapshots.load(c, refs.get().after())) : Optional.empty();
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
    String order = direction == Direction.FORWARDS ? "ASC" : "DESC";
    return tx.read(c -> {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT " + EventRows.COLUMNS + " FROM events WHERE room_id = ? AND stream_ordering > ?"
                  + " AND stream_ordering <= ? AND " + EventRows.VISIBLE
                  + " ORDER BY stream_ordering " + order + " LIMIT ?")) {
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
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT " + EventRows.COLUMNS + " FROM events WHERE room_id = ? AND " + EventRows.VISIBLE
                  + " AND stream_ordering <= ?"
                  + " AND (depth " + comparison + " ? OR (depth = ? AND stream_ordering " + comparison + " ?))"
                  + " ORDER BY depth " + order + ", stream_ordering " + order + " LIMIT ?")) {
        ps.setString(1, roomId);
        ps.setLong(2, ceiling);
        ps.setLong(3, from.depth());
        ps.setLong(4, from.depth());
        ps.setLong(5, from.streamPosition());
        ps.setInt(6, limit);
        return EventRows.query(ps);
      }
    });
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
