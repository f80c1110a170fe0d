package dev.larch.storage.federation.keys;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.error.MatrixException;
import dev.larch.core.federation.keys.ServerKey;
import dev.larch.core.federation.keys.ServerKeyStore;
import dev.larch.core.federation.keys.VerifiedKeyResponse;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.json.ReceivedJson;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.Dialect;
import dev.larch.storage.jdbc.Tx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@link ServerKeyStore} over {@code server_key_responses} and {@code server_keys} (V008). */
public final class JdbcServerKeyStore implements ServerKeyStore {
  private static final String KEY_COLUMNS = "server_name, key_id, public_key, valid_until_ts, old";

  private final Tx tx;
  private final String upsertResponse;
  private final String upsertKey;

  public JdbcServerKeyStore(Database database) {
    this.tx = database.tx();
    Dialect dialect = database.dialect();
    this.upsertResponse = dialect.upsert("server_key_responses", List.of("server_name"),
        List.of("response", "valid_until_ts", "received_ts"));
    this.upsertKey = dialect.upsert("server_keys", List.of("server_name", "key_id"),
        List.of("public_key", "valid_until_ts", "old"));
  }

  @Override
  public void store(VerifiedKeyResponse response) {
    byte[] json;
    try {
      json = JsonMapper.shared().writeValueAsBytes(response.json());
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("key response is not serialisable", e);
    }
    tx.inTransaction(c -> {
      Long stored = storedValidUntil(c, response.serverName());
      boolean newer = stored == null || response.validUntilTs() >= stored;
      if (newer) {
        try (PreparedStatement ps = c.prepareStatement(upsertResponse)) {
          ps.setString(1, response.serverName());
          ps.setBytes(2, json);
          ps.setLong(3, response.validUntilTs());
          ps.setLong(4, response.receivedAtMillis());
          ps.executeUpdate();
        }
      }
      // An older response (a notary's stale copy) may still teach us keys we never saw, never change known ones.
      String sql = newer ? upsertKey
          : "INSERT INTO server_keys (" + KEY_COLUMNS + ") VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        for (ServerKey key : response.keys()) {
          ps.setString(1, response.serverName());
          ps.setString(2, key.keyId());
          ps.setString(3, key.key().publicKeyBase64());
          ps.setLong(4, key.validUntilMillis());
          ps.setBoolean(5, key.old());
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  @Override
  public List<ServerKey> keys(String serverName) {
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT " + KEY_COLUMNS + " FROM server_keys WHERE server_name = ? ORDER BY key_id")) {
        ps.setString(1, serverName);
        try (ResultSet rs = ps.executeQuery()) {
          List<ServerKey> keys = new ArrayList<>();
          while (rs.next()) {
            keys.add(new ServerKey(rs.getString(1), VerifyKey.fromBase64(rs.getString(2), rs.getString(3)),
                rs.getLong(4), rs.getBoolean(5)));
          }
          return keys;
        }
      }
    });
  }

  @Override
  public Optional<StoredResponse> response(String serverName) {
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT response, valid_until_ts, received_ts FROM server_key_responses WHERE server_name = ?")) {
        ps.setString(1, serverName);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.empty();
          }
          try {
            return Optional.of(new StoredResponse(ReceivedJson.parseObject(rs.getBytes(1)), rs.getLong(2),
                rs.getLong(3)));
          } catch (MatrixException e) {
            throw new SQLException("stored key response of " + serverName + " is not a JSON object", e);
          }
        }
      }
    });
  }

  private static Long storedValidUntil(Connection c, String serverName) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT valid_until_ts FROM server_key_responses WHERE server_name = ? FOR UPDATE")) {
      ps.setString(1, serverName);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : null;
      }
    }
  }
}
