package dev.larch.storage.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.push.Notification;
import dev.larch.core.push.NotificationStore;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.Tx;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** {@link NotificationStore} over the {@code notifications} table (V007). */
public final class JdbcNotificationStore implements NotificationStore {
  private final Tx tx;

  public JdbcNotificationStore(Database database) {
    this.tx = database.tx();
  }

  @Override
  public void add(List<Notification> notifications) {
    if (notifications.isEmpty()) {
      return;
    }
    List<byte[]> actions = new ArrayList<>(notifications.size());
    for (Notification n : notifications) {
      try {
        actions.add(JsonMapper.shared().writeValueAsBytes(n.actions()));
      } catch (IOException e) {
        throw new IllegalArgumentException("actions are not serialisable", e);
      }
    }
    tx.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO notifications (user_id, event_id, room_id,"
          + " stream_position, ts, highlight, actions) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        for (int i = 0; i < notifications.size(); i++) {
          Notification n = notifications.get(i);
          ps.setString(1, n.userId());
          ps.setString(2, n.eventId());
          ps.setString(3, n.roomId());
          ps.setLong(4, n.streamPosition());
          ps.setLong(5, n.ts());
          ps.setBoolean(6, n.highlight());
          ps.setBytes(7, actions.get(i));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  @Override
  public List<Notification> page(String userId, Long beforeExclusive, int limit, boolean onlyHighlight) {
    StringBuilder sql = new StringBuilder("SELECT event_id, room_id, stream_position, ts, highlight, actions"
        + " FROM notifications WHERE user_id = ?");
    if (beforeExclusive != null) {
      sql.append(" AND stream_position < ?");
    }
    if (onlyHighlight) {
      sql.append(" AND highlight = TRUE");
    }
    sql.append(" ORDER BY stream_position DESC LIMIT ?");
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        int i = 1;
        ps.setString(i++, userId);
        if (beforeExclusive != null) {
          ps.setLong(i++, beforeExclusive);
        }
        ps.setInt(i, limit);
        List<Notification> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Notification(userId, rs.getString(2), rs.getString(1), rs.getLong(3), rs.getLong(4),
                array(rs.getBytes(6)), rs.getBoolean(5)));
          }
        }
        return out;
      }
    });
  }

  private static ArrayNode array(byte[] bytes) throws SQLException {
    try {
      JsonNode node = JsonMapper.shared().readTree(bytes);
      return (ArrayNode) node;
    } catch (IOException | ClassCastException e) {
      throw new SQLException("stored actions are not a JSON array", e);
    }
  }
}
