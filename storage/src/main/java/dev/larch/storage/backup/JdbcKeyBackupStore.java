package dev.larch.storage.backup;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.backup.BackupCounts;
import dev.larch.core.backup.BackupVersion;
import dev.larch.core.backup.KeyBackupStore;
import dev.larch.core.backup.RoomKeyBackup;
import dev.larch.core.json.JsonMapper;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.Sequences;
import dev.larch.storage.jdbc.StorageException;
import dev.larch.storage.jdbc.Tx;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * {@link KeyBackupStore} over {@code room_key_backup_versions} and {@code room_key_backup_keys}. Version numbers
 * come from a sequence; a deleted version keeps its row (flagged) so that deleting it again succeeds, as the spec
 * asks. The etag is a per-version counter bumped by every change of its keys.
 */
public final class JdbcKeyBackupStore implements KeyBackupStore {
  private final Tx tx;
  private final String upsertKey;

  public JdbcKeyBackupStore(Database database) {
    this.tx = database.tx();
    this.upsertKey = database.dialect().upsert("room_key_backup_keys",
        List.of("user_id", "version", "room_id", "session_id"),
        List.of("first_message_index", "forwarded_count", "is_verified", "key_json"));
  }

  @Override
  public String create(String userId, String algorithm, ObjectNode authData) {
    return tx.inTransaction(c -> {
      long version;
      version = Sequences.next(c, "room_key_backup_version_ids");
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO room_key_backup_versions"
          + " (user_id, version, algorithm, auth_data, etag, deleted) VALUES (?, ?, ?, ?, 0, FALSE)")) {
        ps.setString(1, userId);
        ps.setLong(2, version);
        ps.setString(3, algorithm);
        ps.setBytes(4, bytes(authData));
        ps.executeUpdate();
      }
      return Long.toString(version);
    });
  }

  @Override
  public Optional<BackupVersion> current(String userId) {
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT MAX(version) FROM room_key_backup_versions"
          + " WHERE user_id = ? AND deleted = FALSE")) {
        ps.setString(1, userId);
        try (ResultSet rs = ps.executeQuery()) {
          long version = rs.next() ? rs.getLong(1) : 0;
          return version == 0 ? Optional.empty() : read(c, userId, version);
        }
      }
    });
  }

  @Override
  public Optional<BackupVersion> version(String userId, String version) {
    Long number = parse(version);
    return number == null ? Optional.empty() : tx.read(c -> read(c, userId, number));
  }

  @Override
  public boolean updateAuthData(String userId, String version, ObjectNode authData) {
    Long number = parse(version);
    return number != null && tx.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE room_key_backup_versions SET auth_data = ?"
          + " WHERE user_id = ? AND version = ? AND deleted = FALSE")) {
        ps.setBytes(1, bytes(authData));
        ps.setString(2, userId);
        ps.setLong(3, number);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public boolean delete(String userId, String version) {
    Long number = parse(version);
    return number != null && tx.inTransaction(c -> {
      deleteKeyRows(c, userId, number, null, null);
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE room_key_backup_versions SET deleted = TRUE WHERE user_id = ? AND version = ?")) {
        ps.setString(1, userId);
        ps.setLong(2, number);
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<BackupCounts> putKeys(String userId, String version, List<RoomKeyBackup> keys) {
    Long number = parse(version);
    return number == null ? Optional.empty() : tx.inTransaction(c -> {
      if (!lockVersion(c, userId, number)) {
        return Optional.empty();
      }
      boolean changed = false;
      for (RoomKeyBackup key : keys) {
        Optional<RoomKeyBackup> stored = storedKey(c, userId, number, key.roomId(), key.sessionId());
        if (stored.isPresent() && !key.isBetterThan(stored.get())) {
          continue;
        }
        try (PreparedStatement ps = c.prepareStatement(upsertKey)) {
          ps.setString(1, userId);
          ps.setLong(2, number);
          ps.setString(3, key.roomId());
          ps.setString(4, key.sessionId());
          ps.setLong(5, key.firstMessageIndex());
          ps.setLong(6, key.forwardedCount());
          ps.setBoolean(7, key.verified());
          ps.setBytes(8, bytes(key.json()));
          ps.executeUpdate();
        }
        changed = true;
      }
      if (changed) {
        bumpEtag(c, userId, number);
      }
      return Optional.of(counts(c, userId, number));
    });
  }

  @Override
  public Map<String, Map<String, ObjectNode>> keys(String userId, String version, String roomId, String sessionId) {
    Long number = parse(version);
    Map<String, Map<String, ObjectNode>> out = new TreeMap<>();
    if (number == null) {
      return out;
    }
    return tx.read(c -> {
      StringBuilder sql = new StringBuilder("SELECT room_id, session_id, key_json FROM room_key_backup_keys"
          + " WHERE user_id = ? AND version = ?");
      if (roomId != null) {
        sql.append(" AND room_id = ?");
      }
      if (sessionId != null) {
        sql.append(" AND session_id = ?");
      }
      try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
        bindScope(ps, userId, number, roomId, sessionId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.computeIfAbsent(rs.getString(1), k -> new TreeMap<>()).put(rs.getString(2), json(rs.getBytes(3)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public Optional<BackupCounts> deleteKeys(String userId, String version, String roomId, String sessionId) {
    Long number = parse(version);
    return number == null ? Optional.empty() : tx.inTransaction(c -> {
      if (!lockVersion(c, userId, number)) {
        return Optional.empty();
      }
      if (deleteKeyRows(c, userId, number, roomId, sessionId) > 0) {
        bumpEtag(c, userId, number);
      }
      return Optional.of(counts(c, userId, number));
    });
  }

  private static int deleteKeyRows(Connection c, String userId, long version, String roomId, String sessionId)
      throws SQLException {
    StringBuilder sql = new StringBuilder("DELETE FROM room_key_backup_keys WHERE user_id = ? AND version = ?");
    if (roomId != null) {
      sql.append(" AND room_id = ?");
    }
    if (sessionId != null) {
      sql.append(" AND session_id = ?");
    }
    try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
      bindScope(ps, userId, version, roomId, sessionId);
      return ps.executeUpdate();
    }
  }

  private static int bindScope(PreparedStatement ps, String userId, long version, String roomId, String sessionId)
      throws SQLException {
    int i = 1;
    ps.setString(i++, userId);
    ps.setLong(i++, version);
    if (roomId != null) {
      ps.setString(i++, roomId);
    }
    if (sessionId != null) {
      ps.setString(i++, sessionId);
    }
    return i;
  }

  /** Locks the version's row (serialising writers of one backup); false if it does not exist or is deleted. */
  private static boolean lockVersion(Connection c, String userId, long version) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT version FROM room_key_backup_versions"
        + " WHERE user_id = ? AND version = ? AND deleted = FALSE FOR UPDATE")) {
      ps.setString(1, userId);
      ps.setLong(2, version);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private static Optional<RoomKeyBackup> storedKey(Connection c, String userId, long version, String roomId,
      String sessionId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT first_message_index, forwarded_count, is_verified"
        + " FROM room_key_backup_keys WHERE user_id = ? AND version = ? AND room_id = ? AND session_id = ?")) {
      ps.setString(1, userId);
      ps.setLong(2, version);
      ps.setString(3, roomId);
      ps.setString(4, sessionId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next()
            ? Optional.of(new RoomKeyBackup(roomId, sessionId, rs.getLong(1), rs.getLong(2), rs.getBoolean(3), null))
            : Optional.empty();
      }
    }
  }

  private static void bumpEtag(Connection c, String userId, long version) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "UPDATE room_key_backup_versions SET etag = etag + 1 WHERE user_id = ? AND version = ?")) {
      ps.setString(1, userId);
      ps.setLong(2, version);
      ps.executeUpdate();
    }
  }

  private static BackupCounts counts(Connection c, String userId, long version) throws SQLException {
    return read(c, userId, version).map(v -> new BackupCounts(v.etag(), v.count()))
        .orElseThrow(() -> new SQLException("backup version vanished"));
  }

  private static Optional<BackupVersion> read(Connection c, String userId, long version) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT v.algorithm, v.auth_data, v.etag,"
        + " (SELECT COUNT(*) FROM room_key_backup_keys k WHERE k.user_id = v.user_id AND k.version = v.version)"
        + " FROM room_key_backup_versions v WHERE v.user_id = ? AND v.version = ? AND v.deleted = FALSE")) {
      ps.setString(1, userId);
      ps.setLong(2, version);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return Optional.empty();
        }
        return Optional.of(new BackupVersion(Long.toString(version), rs.getString(1), json(rs.getBytes(2)),
            Long.toString(rs.getLong(3)), rs.getLong(4)));
      }
    }
  }

  /** The version number, or null if {@code version} cannot be one of ours (so it names no backup). */
  private static Long parse(String version) {
    if (version == null || version.isEmpty() || version.length() > 18 || !version.chars().allMatch(Character::isDigit)) {
      return null;
    }
    return Long.parseLong(version);
  }

  private static byte[] bytes(ObjectNode json) {
    try {
      return JsonMapper.shared().writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new StorageException("cannot encode backup JSON", e);
    }
  }

  private static ObjectNode json(byte[] bytes) {
    try {
      return (ObjectNode) JsonMapper.shared().readTree(bytes);
    } catch (IOException | ClassCastException e) {
      throw new StorageException("stored backup JSON is unreadable", e);
    }
  }
}
