package dev.larch.storage.user;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.user.AccountDataChange;
import dev.larch.core.user.AccountDataStore;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.StreamTracker;
import dev.larch.storage.jdbc.Tx;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@link AccountDataStore} over the {@code account_data} table. Global data is stored with room ID {@code ''}.
 * Positions come from a {@link StreamTracker} of their own, separate from the event stream.
 */
public final class JdbcAccountDataStore implements AccountDataStore {
  private static final String GLOBAL = "";

  private final Tx tx;
  private final StreamTracker positions;
  private final String upsert;

  public JdbcAccountDataStore(Database database) {
    this.tx = database.tx();
    this.upsert =
        database.dialect().upsert(
            "account_data",
            List.of("user_id", "room_id", "data_type"),
            List.of("content", "stream_position"));
    this.positions = new StreamTracker(tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT MAX(stream_position) FROM account_data");
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    }));
  }

  @Override
  public long put(String userId, String roomId, String type, ObjectNode content) {
    byte[] bytes = encode(content);
    List<Long> allocated = new ArrayList<>(1);
    try {
      return tx.inTransaction(c -> {
        long position = positions.allocate();
        allocated.add(position);
        try (PreparedStatement ps = c.prepareStatement(upsert)) {
          ps.setString(1, userId);
          ps.setString(2, roomId == null ? GLOBAL : roomId);
          ps.setString(3, type);
          ps.setBytes(4, bytes);
          ps.setLong(5, position);
          ps.executeUpdate();
        }
        return position;
      });
    } finally {
      allocated.forEach(positions::finish);
    }
  }

  @Override
  public Optional<ObjectNode> get(String userId, String roomId, String type) {
    return tx.read(c -> {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT content FROM account_data WHERE user_id = ? AND room_id = ? AND data_type = ?")) {
        ps.setString(1, userId);
        ps.setString(2, roomId == null ? GLOBAL : roomId);
        ps.setString(3, type);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(decode(rs.getBytes(1))) : Optional.empty();
        }
      }
    });
  }

  @Override
  public List<AccountDataChange> changes(String userId, long sinceExclusive, long untilInclusive) {
    long until = Math.min(untilInclusive, positions.current());
    return tx.read(c -> {
      List<AccountDataChange> changes = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT room_id, data_type, content, stream_position FROM account_data WHERE user_id = ?"
                  + " AND stream_position > ? AND stream_position <= ? ORDER BY stream_position")) {
        ps.setString(1, userId);
        ps.setLong(2, sinceExclusive);
        ps.setLong(3, until);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String room = rs.getString(1);
            changes.add(new AccountDataChange(
                GLOBAL.equals(room) ? null : room, rs.getString(2), decode(rs.getBytes(3)), rs.getLong(4)));
          }
        }
      }
      return changes;
    });
  }

  @Override
  public long latestPosition() {
    return positions.current();
  }

  private static byte[] encode(ObjectNode content) {
    try {
      return JsonMapper.shared().writeValueAsBytes(content);
    } catch (IOException e) {
      throw new IllegalArgumentException("account data is not serialisable", e);
    }
  }

  private static ObjectNode decode(byte[] bytes) throws SQLException {
    try {
      JsonNode node = JsonMapper.shared().readTree(bytes);
      return (ObjectNode) node;
    } catch (IOException | ClassCastException e) {
      throw new SQLException("stored account data is not a JSON object", e);
    }
  }
}
