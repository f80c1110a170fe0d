package dev.larch.storage.todevice;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.todevice.ToDeviceMessage;
import dev.larch.core.todevice.ToDeviceStore;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.StorageException;
import dev.larch.storage.jdbc.StreamTracker;
import dev.larch.storage.jdbc.Tx;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;

/**
 * {@link ToDeviceStore} over {@code to_device_messages} and {@code to_device_txns}. Positions come from a
 * {@link StreamTracker} of their own, seeded from the table at open: the inbox is durable, and positions only go
 * up, so a token handed out before a restart still acknowledges the right messages.
 */
public final class JdbcToDeviceStore implements ToDeviceStore {
  private final Tx tx;
  private final StreamTracker positions;

  public JdbcToDeviceStore(Database database) {
    this.tx = database.tx();
    this.positions = new StreamTracker(tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT MAX(stream_position) FROM to_device_messages");
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    }));
  }

  @Override
  public boolean send(String senderUserId, String senderDeviceId, String txnId, List<ToDeviceMessage> messages) {
    List<Long> allocated = Collections.synchronizedList(new ArrayList<>());
    try {
      return tx.inTransaction(c -> {
        try (PreparedStatement ps = c.prepareStatement(
            "INSERT INTO to_device_txns (user_id, device_id, txn_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
          ps.setString(1, senderUserId);
          ps.setString(2, senderDeviceId);
          ps.setString(3, txnId);
          if (ps.executeUpdate() == 0) {
            return false;
          }
        }
        if (messages.isEmpty()) {
          return true;
        }
        long position = positions.allocate();
        allocated.add(position);
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO to_device_messages"
            + " (user_id, device_id, stream_position, sender, event_type, content) VALUES (?, ?, ?, ?, ?, ?)")) {
          for (ToDeviceMessage message : messages) {
            ps.setString(1, message.userId());
            ps.setString(2, message.deviceId());
            ps.setLong(3, position);
            ps.setString(4, message.sender());
            ps.setString(5, message.type());
            ps.setBytes(6, bytes(message.content()));
            ps.addBatch();
          }
          ps.executeBatch();
        }
        return true;
      });
    } finally {
      allocated.forEach(positions::finish);
    }
  }

  @Override
  public List<ToDeviceMessage> inbox(
      String userId, String deviceId, long afterExclusive, long untilInclusive, int limit) {
    long until = Math.min(untilInclusive, positions.current());
    if (until <= afterExclusive || limit <= 0) {
      return List.of();
    }
    return tx.read(c -> {
      List<ToDeviceMessage> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT sender, event_type, content, stream_position"
          + " FROM to_device_messages WHERE user_id = ? AND device_id = ? AND stream_position > ?"
          + " AND stream_position <= ? ORDER BY user_id, device_id, stream_position LIMIT ?")) {
        ps.setString(1, userId);
        ps.setString(2, deviceId);
        ps.setLong(3, afterExclusive);
        ps.setLong(4, until);
        ps.setInt(5, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new ToDeviceMessage(userId, deviceId, rs.getString(1), rs.getString(2), json(rs.getBytes(3)),
                rs.getLong(4)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public int acknowledge(String userId, String deviceId, long upToInclusive) {
    return tx.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM to_device_messages WHERE user_id = ? AND device_id = ? AND stream_position <= ?")) {
        ps.setString(1, userId);
        ps.setString(2, deviceId);
        ps.setLong(3, upToInclusive);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public void deleteDevices(String userId, Collection<String> deviceIds) {
    if (deviceIds.isEmpty()) {
      return;
    }
    tx.inTransaction(c -> {
      for (String table : List.of("to_device_messages", "to_device_txns")) {
        try (PreparedStatement ps =
            c.prepareStatement("DELETE FROM " + table + " WHERE user_id = ? AND device_id = ?")) {
          for (String deviceId : deviceIds) {
            ps.setString(1, userId);
            ps.setString(2, deviceId);
            ps.addBatch();
          }
          ps.executeBatch();
        }
      }
      return null;
    });
  }

  @Override
  public void deleteUser(String userId) {
    tx.inTransaction(c -> {
      for (String table : List.of("to_device_messages", "to_device_txns")) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE user_id = ?")) {
          ps.setString(1, userId);
          ps.executeUpdate();
        }
      }
      return null;
    });
  }

  @Override
  public long latestPosition() {
    return positions.current();
  }

  private static byte[] bytes(ObjectNode content) {
    try {
      return JsonMapper.shared().writeValueAsBytes(content);
    } catch (JsonProcessingException e) {
      throw new StorageException("cannot encode to-device content", e);
    }
  }

  private static ObjectNode json(byte[] bytes) {
    try {
      return (ObjectNode) JsonMapper.shared().readTree(bytes);
    } catch (IOException | ClassCastException e) {
      throw new StorageException("stored to-device content is unreadable", e);
    }
  }
}
