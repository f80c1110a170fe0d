package dev.larch.storage.room;

import dev.larch.core.event.StateKey;
import dev.larch.storage.jdbc.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the per-room tables that follow from a persisted event: {@code room_forward_extremities},
 * {@code room_current_state} and {@code room_memberships}. Called inside persist, with the room's row locked.
 */
final class RoomStateWriter {
  private static final String MEMBER = "m.room.member";

  private final String upsertCurrentState;
  private final String upsertMembership;

  RoomStateWriter(Dialect dialect) {
    this.upsertCurrentState =
        dialect.upsert("room_current_state", List.of("room_id", "event_type", "state_key"), List.of("event_id"));
    this.upsertMembership =
        dialect.upsert(
            "room_memberships",
            List.of("room_id", "user_id"),
            List.of("membership", "event_id", "stream_ordering"));
  }

  /**
   * One write's change to the forward extremities: {@code removed} (the prev events of its accepted events) stop
   * being extremities, and each candidate (its accepted events that none of them names) becomes one, unless an
   * accepted stored event already names it as a prev event (it arrived late, e.g. fetched to fill a gap). Candidates
   * mapped to false skip that lookup: freshly built, nothing can name them yet. Returns the candidates that became
   * extremities.
   */
  List<String> updateForwardExtremities(Connection c, String roomId, Collection<String> removed,
      Map<String, Boolean> candidates) throws SQLException {
    perEvent(c, "DELETE FROM room_forward_extremities WHERE room_id = ? AND event_id = ?", roomId, removed);
    List<String> added = new ArrayList<>(candidates.size());
    for (Map.Entry<String, Boolean> candidate : candidates.entrySet()) {
      if (!candidate.getValue() || !hasAcceptedChild(c, candidate.getKey())) {
        added.add(candidate.getKey());
      }
    }
    perEvent(c, "INSERT INTO room_forward_extremities (room_id, event_id) VALUES (?, ?)", roomId, added);
    return added;
  }

  // Runs sql (parameters: room ID, event ID) once per event, as one JDBC batch.
  private static void perEvent(Connection c, String sql, String roomId, Collection<String> eventIds)
      throws SQLException {
    if (eventIds.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (String eventId : eventIds) {
        ps.setString(1, roomId);
        ps.setString(2, eventId);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static boolean hasAcceptedChild(Connection c, String eventId) throws SQLException {
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT 1 FROM event_children ed JOIN events ev ON ev.event_id = ed.event_id"
                + " WHERE ed.prev_event_id = ? AND ev.outlier = FALSE AND ev.soft_failed = FALSE"
                + " AND ev.rejected_reason IS NULL LIMIT 1")) {
      ps.setString(1, eventId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  /** The materialised current state of a room. */
  static Map<StateKey, String> currentState(Connection c, String roomId) throws SQLException {
    Map<StateKey, String> state = new HashMap<>();
    try (PreparedStatement ps =
        c.prepareStatement("SELECT event_type, state_key, event_id FROM room_current_state WHERE room_id = ?")) {
      ps.setString(1, roomId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          state.put(new StateKey(rs.getString(1), rs.getString(2)), rs.getString(3));
        }
      }
    }
    return state;
  }

  /**
   * Applies a delta to current state (null event ID: slot removed) and mirrors every changed
   * {@code m.room.member} slot into {@code room_memberships}.
   */
  void applyToCurrentState(Connection c, String roomId, Map<StateKey, String> delta) throws SQLException {
    for (Map.Entry<StateKey, String> entry : delta.entrySet()) {
      StateKey key = entry.getKey();
      String eventId = entry.getValue();
      if (eventId == null) {
        delete(c, "DELETE FROM room_current_state WHERE room_id = ? AND event_type = ? AND state_key = ?",
            roomId, key.type(), key.stateKey());
      } else {
        try (PreparedStatement ps = c.prepareStatement(upsertCurrentState)) {
          ps.setString(1, roomId);
          ps.setString(2, key.type());
          ps.setString(3, key.stateKey());
          ps.setString(4, eventId);
          ps.executeUpdate();
        }
      }
      if (MEMBER.equals(key.type())) {
        updateMembership(c, roomId, key.stateKey(), eventId);
      }
    }
  }

  /** Sets one user's membership row directly: an out-of-band membership, which current state does not hold. */
  void setMembership(Connection c, String roomId, String userId, String membership, String eventId, long stream)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(upsertMembership)) {
      ps.setString(1, roomId);
      ps.setString(2, userId);
      ps.setString(3, membership);
      ps.setString(4, eventId);
      ps.setLong(5, stream);
      ps.executeUpdate();
    }
  }

  private void updateMembership(Connection c, String roomId, String userId, String eventId) throws SQLException {
    String membership = null;
    long stream = 0;
    if (eventId != null) {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT membership, stream_ordering FROM events WHERE event_id = ?")) {
        ps.setString(1, eventId);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            membership = rs.getString(1);
            stream = rs.getLong(2);
          }
        }
      }
    }
    if (membership == null) {
      // Slot removed, or a member event we do not hold or without a membership: no membership to report.
      delete(c, "DELETE FROM room_memberships WHERE room_id = ? AND user_id = ?", roomId, userId);
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(upsertMembership)) {
      ps.setString(1, roomId);
      ps.setString(2, userId);
      ps.setString(3, membership);
      ps.setString(4, eventId);
      ps.setLong(5, stream);
      ps.executeUpdate();
    }
  }

  private static void delete(Connection c, String sql, String... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      ps.executeUpdate();
    }
  }
}
