package dev.larch.storage.user;

import dev.larch.core.user.AccountStore;
import dev.larch.core.user.Device;
import dev.larch.core.user.NewUser;
import dev.larch.core.user.TokenOwner;
import dev.larch.core.user.UserAccount;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.Tx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * {@link AccountStore} over JDBC: tables {@code users}, {@code devices}, {@code access_tokens}. Tokens are stored
 * as the unpadded base64 of their SHA-256: a token is long and random, so a plain hash is enough (no salt, no slow
 * KDF), and lookup stays one index probe.
 */
public final class JdbcAccountStore implements AccountStore {
  private final Tx tx;

  public JdbcAccountStore(Database database) {
    this.tx = database.tx();
  }

  @Override
  public boolean createUser(NewUser user) {
    return tx.inTransaction(c -> {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO users (user_id, password_hash, guest, deactivated, created_ts) VALUES (?, ?, ?, FALSE, ?)"
                  + " ON CONFLICT DO NOTHING")) {
        ps.setString(1, user.userId());
        ps.setString(2, user.passwordHash());
        ps.setBoolean(3, user.guest());
        ps.setLong(4, user.createdAtMs());
        return ps.executeUpdate() == 1;
      }
    });
  }

  @Override
  public Optional<UserAccount> user(String userId) {
    return tx.read(c -> {
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT user_id, password_hash, guest, deactivated, created_ts FROM users WHERE user_id = ?")) {
        ps.setString(1, userId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next()
              ? Optional.of(new UserAccount(
                  rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getBoolean(4), rs.getLong(5)))
              : Optional.empty();
        }
      }
    });
  }

  @Override
  public boolean setPasswordHash(String userId, String passwordHash) {
    return tx.inTransaction(c -> update(c, "UPDATE users SET password_hash = ? WHERE user_id = ?", passwordHash,
        userId) == 1);
  }

  @Override
  public boolean deactivate(String userId, long nowMs) {
    return tx.inTransaction(c -> {
      int users = update(c, "UPDATE users SET deactivated = TRUE, password_hash = NULL WHERE user_id = ?", userId);
      update(c, "DELETE FROM access_tokens WHERE user_id = ?", userId);
      update(c, "DELETE FROM devices WHERE user_id = ?", userId);
      return users == 1;
    });
  }

  @Override
  public void upsertDevice(String userId, String deviceId, String displayName, long nowMs) {
    tx.inTransaction(c -> {
      try (PreparedStatement ps =
          c.prepareStatement("UPDATE devices SET last_seen_ts = ? WHERE user_id = ? AND device_id = ?")) {
        ps.setLong(1, nowMs);
        ps.setString(2, userId);
        ps.setString(3, deviceId);
        if (ps.executeUpdate() == 1) {
          return null;
        }
      }
      // Two logins racing for one new device ID: the loser's insert is ignored and its device is the winner's.
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO devices (user_id, device_id, display_name, created_ts, last_seen_ts)"
                  + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
        ps.setString(1, userId);
        ps.setString(2, deviceId);
        ps.setString(3, displayName);
        ps.setLong(4, nowMs);
        ps.setLong(5, nowMs);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public Optional<Device> device(String userId, String deviceId) {
    return tx.read(c -> {
      List<Device> found = devices(c, "user_id = ? AND device_id = ?", userId, deviceId);
      return found.stream().findFirst();
    });
  }

  @Override
  public List<Device> devices(String userId) {
    return tx.read(c -> devices(c, "user_id = ?", userId));
  }

  @Override
  public boolean renameDevice(String userId, String deviceId, String displayName) {
    return tx.inTransaction(c -> update(c,
        "UPDATE devices SET display_name = ? WHERE user_id = ? AND device_id = ?", displayName, userId,
        deviceId) == 1);
  }

  @Override
  public int deleteDevices(String userId, Collection<String> deviceIds) {
    return tx.inTransaction(c -> {
      int deleted = 0;
      for (String deviceId : deviceIds) {
        update(c, "DELETE FROM access_tokens WHERE user_id = ? AND device_id = ?", userId, deviceId);
        deleted += update(c, "DELETE FROM devices WHERE user_id = ? AND device_id = ?", userId, deviceId);
      }
      return deleted;
    });
  }

  @Override
  public void createAccessToken(String token, String userId, String deviceId, long nowMs, long expiresAtMs) {
    tx.inTransaction(c -> {
      try (PreparedStatement ps =
          c.prepareStatement(
              "INSERT INTO access_tokens (token_hash, user_id, device_id, created_ts, expires_ts)"
                  + " VALUES (?, ?, ?, ?, ?)")) {
        ps.setString(1, hash(token));
        ps.setString(2, userId);
        ps.setString(3, deviceId);
        ps.setLong(4, nowMs);
        ps.setLong(5, expiresAtMs);
        return ps.executeUpdate();
      }
    });
  }

  @Override
  public Optional<TokenOwner> accessTokenOwner(String token) {
    return tx.read(c -> {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT user_id, device_id, expires_ts FROM access_tokens WHERE token_hash = ?")) {
        ps.setString(1, hash(token));
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next()
              ? Optional.of(new TokenOwner(rs.getString(1), rs.getString(2), rs.getLong(3)))
              : Optional.empty();
        }
      }
    });
  }

  @Override
  public boolean revokeAccessToken(String token) {
    return tx.inTransaction(c -> update(c, "DELETE FROM access_tokens WHERE token_hash = ?", hash(token)) == 1);
  }

  @Override
  public int revokeAllAccessTokens(String userId) {
    return tx.inTransaction(c -> update(c, "DELETE FROM access_tokens WHERE user_id = ?", userId));
  }

  private static List<Device> devices(Connection c, String where, String... params) throws SQLException {
    List<Device> devices = new ArrayList<>();
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT user_id, device_id, display_name, created_ts, last_seen_ts FROM devices WHERE " + where
                + " ORDER BY device_id")) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          devices.add(new Device(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4), rs.getLong(5)));
        }
      }
    }
    return devices;
  }

  private static int update(Connection c, String sql, String... params) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      for (int i = 0; i < params.length; i++) {
        ps.setString(i + 1, params[i]);
      }
      return ps.executeUpdate();
    }
  }

  static String hash(String token) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
      return Base64.getEncoder().withoutPadding().encodeToString(digest);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
