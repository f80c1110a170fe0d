package dev.larch.storage.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.json.CanonicalJson;
import dev.larch.core.json.ReceivedJson;
import dev.larch.core.room.EventStatus;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.room.TxnKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The {@code events} and {@code event_children} tables: writes and row mapping. */
final class EventRows {
  /** The columns {@link #map} reads, in order. */
  static final String COLUMNS =
      "event_id, room_version, json, stream_ordering, depth, outlier, soft_failed, rejected_reason";

  /** The condition for events clients may see. */
  static final String VISIBLE = "outlier = FALSE AND soft_failed = FALSE AND rejected_reason IS NULL";

  // Bounds the IN list of one query; callers asking for more are served in several queries.
  private static final int IN_CHUNK = 100;

  private EventRows() {}

  /** An event's snapshot columns, or empty if the event is not stored. */
  record StateRefs(boolean outlier, Long before, Long after) {}

  /**
   * Inserts an event and its prev-event edges; {@code txn} is the client transaction that sent it, or null. False,
   * writing nothing, if the event ID or the client transaction ID is already stored (V017's unique index).
   */
  static boolean insert(
      Connection c,
      Pdu event,
      byte[] json,
      EventStatus status,
      long streamPosition,
      Long stateBefore,
      Long stateAfter,
      TxnKey txn)
      throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "INSERT INTO events (event_id, room_id, room_version, event_type, state_key, sender, membership,"
                + " redacts, depth, stream_ordering, origin_server_ts, outlier, soft_failed, rejected_reason,"
                + " state_before_snapshot_id, state_after_snapshot_id, json, txn_device_id, txn_id)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
      ps.setString(1, event.eventId());
      ps.setString(2, event.roomId());
      ps.setString(3, event.roomVersion().identifier());
      ps.setString(4, event.type());
      ps.setString(5, event.stateKey());
      ps.setString(6, event.sender() == null ? "" : event.sender());
      ps.setString(7, "m.room.member".equals(event.type()) ? event.membership() : null);
      ps.setString(8, "m.room.redaction".equals(event.type()) ? event.redacts() : null);
      ps.setLong(9, event.depth());
      setLongOrNull(ps, 10, status.outlier() ? null : streamPosition);
      ps.setLong(11, event.originServerTs());
      ps.setBoolean(12, status.outlier());
      ps.setBoolean(13, status.softFailed());
      ps.setString(14, status.rejectedReason());
      setLongOrNull(ps, 15, stateBefore);
      setLongOrNull(ps, 16, stateAfter);
      ps.setBytes(17, json);
      ps.setString(18, txn == null ? null : txn.deviceId());
      ps.setString(19, txn == null ? null : txn.txnId());
      if (ps.executeUpdate() == 0) {
        return false;
      }
    }
    insertEdges(c, event);
    return true;
  }

  /**
   * Gives a stored outlier its place in the room, as {@link #insert} would have with these arguments; its edges were
   * written with it. Does nothing to an event that is not an outlier.
   */
  static void upgradeOutlier(Connection c, String eventId, EventStatus status, long streamPosition,
      Long stateBefore, Long stateAfter) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("UPDATE events SET outlier = FALSE, stream_ordering = ?,"
        + " soft_failed = ?, rejected_reason = ?, state_before_snapshot_id = ?, state_after_snapshot_id = ?"
        + " WHERE event_id = ? AND outlier = TRUE")) {
      ps.setLong(1, streamPosition);
      ps.setBoolean(2, status.softFailed());
      ps.setString(3, status.rejectedReason());
      setLongOrNull(ps, 4, stateBefore);
      setLongOrNull(ps, 5, stateAfter);
      ps.setString(6, eventId);
      ps.executeUpdate();
    }
  }

  // One event_children row per distinct prev event (V014); auth_events are read from the stored JSON.
  private static void insertEdges(Connection c, Pdu event) throws SQLException {
    List<String> parents = event.prevEventIds();
    if (parents.isEmpty()) {
      return;
    }
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO event_children (prev_event_id, event_id) VALUES (?, ?)")) {
      // A malformed event may list the same ID twice; the edge exists once.
      for (String parent : new LinkedHashSet<>(parents)) {
        ps.setString(1, parent);
        ps.setString(2, event.eventId());
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  /**
   * Replaces an event's stored JSON (its redacted form), encoded as canonical JSON of its room version; the
   * extracted columns keep their values. False if the event is not stored.
   */
  static boolean replaceJson(Connection c, String eventId, ObjectNode json) throws SQLException {
    String version;
    try (PreparedStatement ps = c.prepareStatement("SELECT room_version FROM events WHERE event_id = ?")) {
      ps.setString(1, eventId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return false;
        }
        version = rs.getString(1);
      }
    }
    RoomVersion roomVersion = RoomVersion.byIdentifier(version)
        .orElseThrow(() -> new IllegalStateException("stored event has an unknown room version"));
    try (PreparedStatement ps = c.prepareStatement("UPDATE events SET json = ? WHERE event_id = ?")) {
      ps.setBytes(1, CanonicalJson.forRoomVersion(roomVersion).encode(json));
      ps.setString(2, eventId);
      return ps.executeUpdate() == 1;
    }
  }

  /** The stream position of a stored event (0 for an outlier), or empty if it is not stored. */
  static Optional<Long> streamPosition(Connection c, String eventId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT stream_ordering FROM events WHERE event_id = ?")) {
      ps.setString(1, eventId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
      }
    }
  }

  static Optional<StateRefs> stateRefs(Connection c, String eventId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT outlier, state_before_snapshot_id, state_after_snapshot_id FROM events WHERE event_id = ?")) {
      ps.setString(1, eventId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new StateRefs(rs.getBoolean(1), longOrNull(rs, 2), longOrNull(rs, 3)));
      }
    }
  }

  /** The stored events among {@code eventIds}, in the order asked. */
  static List<StoredEvent> byIds(Connection c, Collection<String> eventIds) throws SQLException {
    List<String> ids = new ArrayList<>(new LinkedHashSet<>(eventIds));
    Map<String, StoredEvent> found = new LinkedHashMap<>();
    for (int from = 0; from < ids.size(); from += IN_CHUNK) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IN_CHUNK));
      String sql = "SELECT " + COLUMNS + " FROM events WHERE event_id IN (?" + ", ?".repeat(chunk.size() - 1) + ")";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (int i = 0; i < chunk.size(); i++) {
          ps.setString(i + 1, chunk.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            StoredEvent event = map(rs);
            found.put(event.eventId(), event);
          }
        }
      }
    }
    List<StoredEvent> ordered = new ArrayList<>(found.size());
    for (String id : ids) {
      StoredEvent event = found.get(id);
      if (event != null) {
        ordered.add(event);
      }
    }
    return ordered;
  }

  /** Runs a query selecting {@link #COLUMNS} and maps every row. */
  static List<StoredEvent> query(PreparedStatement ps) throws SQLException {
    List<StoredEvent> events = new ArrayList<>();
    try (ResultSet rs = ps.executeQuery()) {
      while (rs.next()) {
        events.add(map(rs));
      }
    }
    return events;
  }

  static StoredEvent map(ResultSet rs) throws SQLException {
    String eventId = rs.getString(1);
    RoomVersion version =
        RoomVersion.byIdentifier(rs.getString(2))
            .orElseThrow(() -> new IllegalStateException("stored event has an unknown room version"));
    byte[] json = rs.getBytes(3);
    long stream = rs.getLong(4);
    long depth = rs.getLong(5);
    EventStatus status = new EventStatus(rs.getBoolean(6), rs.getBoolean(7), rs.getString(8));
    Pdu pdu = new Pdu(version, ReceivedJson.parseObject(json), eventId);
    return new StoredEvent(pdu, json, stream, depth, status);
  }

  static void setLongOrNull(PreparedStatement ps, int index, Long value) throws SQLException {
    if (value == null) {
      ps.setNull(index, Types.BIGINT);
    } else {
      ps.setLong(index, value);
    }
  }

  static Long longOrNull(ResultSet rs, int index) throws SQLException {
    long value = rs.getLong(index);
    return rs.wasNull() ? null : value;
  }
}
