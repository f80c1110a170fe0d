package dev.larch.storage.keys;

import dev.larch.core.keys.DeviceListStore;
import dev.larch.core.keys.SharedRoomChanges;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.SqlWork;
import dev.larch.storage.jdbc.StreamTracker;
import dev.larch.storage.jdbc.Tx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link DeviceListStore} over {@code device_list_changes}, read together with {@code room_memberships} (the current
 * membership of every user in every room), so "who shares a room with whom" is one SQL join.
 *
 * <p>Implementation notes: positions come from a {@link StreamTracker} seeded from the table at open.
 * {@link JdbcDeviceKeyStore} records changes through {@link #inTransaction}, in the transaction of the write that
 * makes them, so a sync never sees a change position before the change itself is visible.
 */
public final class JdbcDeviceListStore implements DeviceListStore {
  private static final String SHARES_ROOM =
      "EXISTS (SELECT 1 FROM room_memberships m1 JOIN room_memberships m2 ON m2.room_id = m1.room_id"
          + " WHERE m1.user_id = ? AND m1.membership = 'join' AND m2.user_id = c.user_id"
          + " AND m2.membership = 'join')";

  private final Tx tx;
  private final StreamTracker positions;

  public JdbcDeviceListStore(Database database) {
    this.tx = database.tx();
    this.positions = new StreamTracker(tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT MAX(stream_position) FROM device_list_changes");
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    }));
  }

  /** Records device-list changes from inside a transaction. */
  @FunctionalInterface
  interface Recorder {
    /**
     * Records that {@code userId}'s device list changed.
     *
     * @param notifyOnly the one user who may hear of it, or null for everyone sharing a room
     */
    void record(String userId, String notifyOnly) throws SQLException;
  }

  /** Work that may record changes. */
  @FunctionalInterface
  interface ChangeWork<T> {
    T run(Connection connection, Recorder recorder) throws SQLException;
  }

  /** Runs {@code work} in a transaction of {@code tx}, finishing the positions it recorded after it ends. */
  <T> T inTransaction(Tx tx, ChangeWork<T> work) {
    List<Long> allocated = Collections.synchronizedList(new ArrayList<>());
    try {
      SqlWork<T> sql = c -> work.run(c, (userId, notifyOnly) -> {
        long position = positions.allocate();
        allocated.add(position);
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO device_list_changes (stream_position, user_id, notify_user_id) VALUES (?, ?, ?)")) {
          ps.setLong(1, position);
          ps.setString(2, userId);
          ps.setString(3, notifyOnly);
          ps.executeUpdate();
        }
      });
      return tx.inTransaction(sql);
    } finally {
      allocated.forEach(positions::finish);
    }
  }

  @Override
  public long latestPosition() {
    return positions.current();
  }

  @Override
  public Set<String> changed(String viewer, long fromExclusive, long toInclusive) {
    long until = Math.min(toInclusive, positions.current());
    if (until <= fromExclusive) {
      return Set.of();
    }
    return tx.read(c -> {
      Set<String> users = new HashSet<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT DISTINCT c.user_id FROM device_list_changes c"
              + " WHERE c.stream_position > ? AND c.stream_position <= ?"
              + " AND (c.notify_user_id = ? OR (c.notify_user_id IS NULL AND (c.user_id = ? OR " + SHARES_ROOM
              + ")))")) {
        ps.setLong(1, fromExclusive);
        ps.setLong(2, until);
        ps.setString(3, viewer);
        ps.setString(4, viewer);
        ps.setString(5, viewer);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            users.add(rs.getString(1));
          }
        }
      }
      return users;
    });
  }

  @Override
  public SharedRoomChanges sharedRoomChanges(String viewer, long fromEventExclusive, long toEventInclusive) {
    if (toEventInclusive <= fromEventExclusive) {
      return new SharedRoomChanges(Set.of(), Set.of());
    }
    return tx.read(c -> {
      Set<String> joined = new HashSet<>();
      Set<String> candidates = new HashSet<>();
      // Rows of rooms where either the viewer's own membership changed in the range (then every member counts),
      // or the viewer is joined and another member's membership changed in the range.
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT m1.membership, m1.stream_ordering, m2.user_id, m2.membership, m2.stream_ordering"
              + " FROM room_memberships m1 JOIN room_memberships m2 ON m2.room_id = m1.room_id"
              + " WHERE m1.user_id = ? AND m2.user_id <> ? AND ((m1.stream_ordering > ? AND m1.stream_ordering <= ?)"
              + " OR (m1.membership = 'join' AND m2.stream_ordering > ? AND m2.stream_ordering <= ?))")) {
        ps.setString(1, viewer);
        ps.setString(2, viewer);
        ps.setLong(3, fromEventExclusive);
        ps.setLong(4, toEventInclusive);
        ps.setLong(5, fromEventExclusive);
        ps.setLong(6, toEventInclusive);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String own = rs.getString(1);
            long ownPosition = rs.getLong(2);
            String other = rs.getString(3);
            String membership = rs.getString(4);
            boolean ownChanged = ownPosition > fromEventExclusive && ownPosition <= toEventInclusive;
            boolean ownJoined = "join".equals(own);
            boolean otherJoined = "join".equals(membership);
            if (ownChanged && !ownJoined) {
              if (otherJoined) {
                candidates.add(other);
              }
            } else if (otherJoined) {
              joined.add(other);
            } else if (ownJoined && ("leave".equals(membership) || "ban".equals(membership))) {
              candidates.add(other);
            }
          }
        }
      }
      Set<String> left = new HashSet<>();
      if (!candidates.isEmpty()) {
        Set<String> sharing = sharing(c, viewer);
        for (String candidate : candidates) {
          if (!sharing.contains(candidate)) {
            left.add(candidate);
          }
        }
      }
      joined.removeAll(left);
      return new SharedRoomChanges(joined, left);
    });
  }

  @Override
  public Set<String> usersSharingRoomWith(String userId) {
    return tx.read(c -> {
      Set<String> users = sharing(c, userId);
      users.add(userId);
      return users;
    });
  }

  @Override
  public void recordChange(String userId) {
    inTransaction(tx, (c, recorder) -> {
      recorder.record(userId, null);
      return null;
    });
  }

  @Override
  public List<Long> changePositions(String userId, int limit) {
    return tx.read(c -> {
      List<Long> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT stream_position FROM device_list_changes"
          + " WHERE user_id = ? AND notify_user_id IS NULL AND stream_position <= ?"
          + " ORDER BY user_id DESC, stream_position DESC LIMIT ?")) {
        ps.setString(1, userId);
        ps.setLong(2, positions.current());
        ps.setInt(3, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(rs.getLong(1));
          }
        }
      }
      return out;
    });
  }

  private static Set<String> sharing(Connection c, String userId) throws SQLException {
    Set<String> users = new HashSet<>();
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT DISTINCT m2.user_id FROM room_memberships m1 JOIN room_memberships m2 ON m2.room_id = m1.room_id"
            + " WHERE m1.user_id = ? AND m1.membership = 'join' AND m2.membership = 'join'")) {
      ps.setString(1, userId);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          users.add(rs.getString(1));
        }
      }
    }
    return users;
  }
}
