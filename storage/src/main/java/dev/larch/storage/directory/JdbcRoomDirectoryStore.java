package dev.larch.storage.directory;

import dev.larch.core.directory.RoomDirectoryStore;
import dev.larch.core.event.StateKey;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.Tx;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link RoomDirectoryStore} over {@code room_directory} (V007); the read across rooms is of
 * {@code room_current_state} (V001), which the room store keeps.
 */
public final class JdbcRoomDirectoryStore implements RoomDirectoryStore {
  private final Tx tx;

  public JdbcRoomDirectoryStore(Database database) {
    this.tx = database.tx();
  }

  @Override
  public void setPublished(String roomId, boolean published) {
    String sql = published ? "INSERT INTO room_directory (room_id) VALUES (?) ON CONFLICT DO NOTHING"
        : "DELETE FROM room_directory WHERE room_id = ?";
    tx.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, roomId);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public boolean isPublished(String roomId) {
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM room_directory WHERE room_id = ?")) {
        ps.setString(1, roomId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next();
        }
      }
    });
  }

  @Override
  public List<String> publishedRooms() {
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT room_id FROM room_directory");
          ResultSet rs = ps.executeQuery()) {
        List<String> rooms = new ArrayList<>();
        while (rs.next()) {
          rooms.add(rs.getString(1));
        }
        return rooms;
      }
    });
  }

  @Override
  public Map<String, String> currentStateAcrossRooms(StateKey slot) {
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT room_id, event_id FROM room_current_state WHERE event_type = ? AND state_key = ?")) {
        ps.setString(1, slot.type());
        ps.setString(2, slot.stateKey());
        Map<String, String> out = new HashMap<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), rs.getString(2));
          }
        }
        return out;
      }
    });
  }
}
