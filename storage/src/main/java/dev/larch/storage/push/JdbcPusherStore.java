package dev.larch.storage.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.push.Pusher;
import dev.larch.core.push.PusherStore;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.Tx;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** {@link PusherStore} over the {@code pushers} table (V007). */
public final class JdbcPusherStore implements PusherStore {
  private final Tx tx;
  private final String upsert;

  public JdbcPusherStore(Database database) {
    this.tx = database.tx();
    this.upsert = database.dialect().upsert("pushers", List.of("user_id", "app_id", "pushkey"),
        List.of("kind", "app_display_name", "device_display_name", "profile_tag", "lang", "data"));
  }

  @Override
  public void set(Pusher pusher, boolean append) {
    byte[] data;
    try {
      data = JsonMapper.shared().writeValueAsBytes(pusher.data());
    } catch (IOException e) {
      throw new IllegalArgumentException("pusher data is not serialisable", e);
    }
    tx.inTransaction(c -> {
      if (!append) {
        try (PreparedStatement ps = c.prepareStatement(
            "DELETE FROM pushers WHERE app_id = ? AND pushkey = ? AND user_id <> ?")) {
          ps.setString(1, pusher.appId());
          ps.setString(2, pusher.pushkey());
          ps.setString(3, pusher.userId());
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = c.prepareStatement(upsert)) {
        ps.setString(1, pusher.userId());
        ps.setString(2, pusher.appId());
        ps.setString(3, pusher.pushkey());
        ps.setString(4, pusher.kind());
        ps.setString(5, pusher.appDisplayName());
        ps.setString(6, pusher.deviceDisplayName());
        ps.setString(7, pusher.profileTag());
        ps.setString(8, pusher.lang());
        ps.setBytes(9, data);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public boolean delete(String userId, String appId, String pushkey) {
    return tx.inTransaction(c -> {
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM pushers WHERE user_id = ? AND app_id = ? AND pushkey = ?")) {
        ps.setString(1, userId);
        ps.setString(2, appId);
        ps.setString(3, pushkey);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public List<Pusher> pushersOf(String userId) {
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT app_id, pushkey, kind, app_display_name,"
          + " device_display_name, profile_tag, lang, data FROM pushers WHERE user_id = ? ORDER BY app_id, pushkey")) {
        ps.setString(1, userId);
        List<Pusher> out = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new Pusher(userId, rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4),
                rs.getString(5), rs.getString(6), rs.getString(7), object(rs.getBytes(8))));
          }
        }
        return out;
      }
    });
  }

  private static ObjectNode object(byte[] bytes) throws SQLException {
    try {
      JsonNode node = JsonMapper.shared().readTree(bytes);
      return (ObjectNode) node;
    } catch (IOException | ClassCastException e) {
      throw new SQLException("stored pusher data is not a JSON object", e);
    }
  }
}
