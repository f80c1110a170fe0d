package dev.larch.storage.membership;

import dev.larch.core.membership.ForgottenRoomStore;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.Tx;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.HashSet;
import java.util.Set;

/** {@link ForgottenRoomStore} over the {@code forgotten_rooms} table (V003). */
public final class JdbcForgottenRoomStore implements ForgottenRoomStore {
  private final Tx tx;

  public JdbcForgottenRoomStore(Database database) {
    this.tx = database.tx();
  }

  @Override
  public void forget(String userId, String roomId) {
    update("INSERT INTO forgotten_rooms (user_id, room_id) VALUES (?, ?) ON CONFLICT DO NOTHING", userId, roomId);
  }

  @Override
  public void unforget(String userId, String roomId) {
    update("DELETE FROM forgotten_rooms WHERE user_id = ? AND room_id = ?", userId, roomId);
  }

  @Override
  public Set<String> forgotten(String userId) {
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT room_id FROM forgotten_rooms WHERE user_id = ?")) {
        ps.setString(1, userId);
        Set<String> rooms = new HashSet<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            rooms.add(rs.getString(1));
          }
        }
        return Set.copyOf(rooms);
      }
    });
  }

  private void update(String sql, String userId, String roomId) {
    tx.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, userId);
        ps.setString(2, roomId);
        return ps.executeUpdate();
      }
    });
  }
}
