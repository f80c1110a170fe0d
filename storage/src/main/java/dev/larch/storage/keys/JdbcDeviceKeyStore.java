package dev.larch.storage.keys;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.keys.ClaimedKey;
import dev.larch.core.keys.CrossSigningKeyType;
import dev.larch.core.keys.CrossSigningKeys;
import dev.larch.core.keys.DeviceKeyStore;
import dev.larch.core.keys.KeySignature;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.StorageException;
import dev.larch.storage.jdbc.Tx;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * {@link DeviceKeyStore} over {@code e2e_device_keys}, {@code e2e_one_time_keys}, {@code e2e_fallback_keys},
 * {@code e2e_cross_signing_keys} and {@code e2e_key_signatures}; uploaded JSON is kept byte for byte as the
 * client's object serialised. Changes are recorded through {@link JdbcDeviceListStore}.
 *
 * <p>Implementation notes: a claim picks the lowest key ID and deletes exactly that row; if a concurrent claim
 * deleted it first (0 rows), it picks again, so two claimers never get the same key on either database.
 */
public final class JdbcDeviceKeyStore implements DeviceKeyStore {
  private static final int CLAIM_ATTEMPTS = 16;

  private final Tx tx;
  private final JdbcDeviceListStore changes;
  private final String upsertDeviceKeys;
  private final String insertOneTimeKey;
  private final String upsertFallbackKey;
  private final String upsertCrossSigningKey;
  private final String upsertSignature;

  public JdbcDeviceKeyStore(Database database, JdbcDeviceListStore changes) {
    this.tx = database.tx();
    this.changes = changes;
    var dialect = database.dialect();
    upsertDeviceKeys = dialect.upsert("e2e_device_keys", List.of("user_id", "device_id"), List.of("key_json"));
    insertOneTimeKey = "INSERT INTO e2e_one_time_keys (user_id, device_id, algorithm, key_id, key_json)"
        + " VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING";
    upsertFallbackKey = dialect.upsert("e2e_fallback_keys", List.of("user_id", "device_id", "algorithm"),
        List.of("key_id", "key_json", "used"));
    upsertCrossSigningKey = dialect.upsert("e2e_cross_signing_keys", List.of("user_id", "key_type"),
        List.of("public_key", "key_json"));
    upsertSignature = dialect.upsert("e2e_key_signatures",
        List.of("target_user_id", "target_key_id", "signer_user_id", "signer_key_id"), List.of("signature"));
  }

  @Override
  public boolean putDeviceKeys(String userId, String deviceId, ObjectNode deviceKeys) {
    byte[] json = bytes(deviceKeys);
    return changes.inTransaction(tx, (c, recorder) -> {
      byte[] old = null;
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT key_json FROM e2e_device_keys WHERE user_id = ? AND device_id = ? FOR UPDATE")) {
        ps.setString(1, userId);
        ps.setString(2, deviceId);
        try (ResultSet rs = ps.executeQuery()) {
          if (rs.next()) {
            old = rs.getBytes(1);
          }
        }
      }
      if (old != null && Arrays.equals(old, json)) {
        return false;
      }
      if (old != null && !json(old).path("keys").equals(deviceKeys.path("keys"))) {
        deleteSignatures(c, userId, List.of(deviceId));
      }
      try (PreparedStatement ps = c.prepareStatement(upsertDeviceKeys)) {
        ps.setString(1, userId);
        ps.setString(2, deviceId);
        ps.setBytes(3, json);
        ps.executeUpdate();
      }
      recorder.record(userId, null);
      return true;
    });
  }

  @Override
  public Map<String, ObjectNode> deviceKeys(String userId) {
    return tx.read(c -> {
      Map<String, ObjectNode> out = new TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT device_id, key_json FROM e2e_device_keys WHERE user_id = ?")) {
        ps.setString(1, userId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(rs.getString(1), (ObjectNode) json(rs.getBytes(2)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public void addOneTimeKeys(String userId, String deviceId, Map<String, JsonNode> keys) {
    tx.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(insertOneTimeKey)) {
        for (Map.Entry<String, JsonNode> key : keys.entrySet()) {
          bindAlgorithmKey(ps, userId, deviceId, key);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  @Override
  public void putFallbackKeys(String userId, String deviceId, Map<String, JsonNode> keys) {
    tx.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(upsertFallbackKey)) {
        for (Map.Entry<String, JsonNode> key : keys.entrySet()) {
          bindAlgorithmKey(ps, userId, deviceId, key);
          ps.setBoolean(6, false);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  @Override
  public Map<String, Integer> oneTimeKeyCounts(String userId, String deviceId) {
    return tx.read(c -> {
      Map<String, Integer> counts = new TreeMap<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT algorithm, COUNT(*) FROM e2e_one_time_keys"
          + " WHERE user_id = ? AND device_id = ? GROUP BY algorithm")) {
        ps.setString(1, userId);
        ps.setString(2, deviceId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            counts.put(rs.getString(1), rs.getInt(2));
          }
        }
      }
      return counts;
    });
  }

  @Override
  public List<String> unusedFallbackKeyAlgorithms(String userId, String deviceId) {
    return tx.read(c -> {
      List<String> algorithms = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT algorithm FROM e2e_fallback_keys"
          + " WHERE user_id = ? AND device_id = ? AND used = FALSE ORDER BY algorithm")) {
        ps.setString(1, userId);
        ps.setString(2, deviceId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            algorithms.add(rs.getString(1));
          }
        }
      }
      return algorithms;
    });
  }

  @Override
  public Optional<ClaimedKey> claim(String userId, String deviceId, String algorithm) {
    return tx.inTransaction(c -> {
      for (int attempt = 0; attempt < CLAIM_ATTEMPTS; attempt++) {
        Optional<StoredKey> key = firstKey(c, "SELECT key_id, key_json FROM e2e_one_time_keys"
            + " WHERE user_id = ? AND device_id = ? AND algorithm = ? ORDER BY key_id LIMIT 1",
            userId, deviceId, algorithm);
        if (key.isEmpty()) {
          return fallback(c, userId, deviceId, algorithm);
        }
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM e2e_one_time_keys"
            + " WHERE user_id = ? AND device_id = ? AND algorithm = ? AND key_id = ?")) {
          bindDeviceAlgorithm(ps, userId, deviceId, algorithm);
          ps.setString(4, key.get().keyId());
          if (ps.executeUpdate() == 1) {
            return Optional.of(key.get().claimed(algorithm));
          }
        }
      }
      throw new SQLException("one-time key claim kept losing races", "40001");
    });
  }

  private Optional<ClaimedKey> fallback(Connection c, String userId, String deviceId, String algorithm)
      throws SQLException {
    Optional<StoredKey> key = firstKey(c, "SELECT key_id, key_json FROM e2e_fallback_keys"
        + " WHERE user_id = ? AND device_id = ? AND algorithm = ?", userId, deviceId, algorithm);
    if (key.isEmpty()) {
      return Optional.empty();
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE e2e_fallback_keys SET used = TRUE"
        + " WHERE user_id = ? AND device_id = ? AND algorithm = ? AND used = FALSE")) {
      bindDeviceAlgorithm(ps, userId, deviceId, algorithm);
      ps.executeUpdate();
    }
    return Optional.of(key.get().claimed(algorithm));
  }

  // A one-time or fallback key as stored: its ID without the algorithm, and its exact JSON.
  private record StoredKey(String keyId, byte[] keyJson) {
    ClaimedKey claimed(String algorithm) {
      return new ClaimedKey(algorithm + ":" + keyId, json(keyJson));
    }
  }

  // The first row of a one-time or fallback key query whose parameters 1–3 are owner, device and algorithm.
  private static Optional<StoredKey> firstKey(Connection c, String sql, String userId, String deviceId,
      String algorithm) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(sql)) {
      bindDeviceAlgorithm(ps, userId, deviceId, algorithm);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new StoredKey(rs.getString(1), rs.getBytes(2))) : Optional.empty();
      }
    }
  }

  private static void bindDeviceAlgorithm(PreparedStatement ps, String userId, String deviceId, String algorithm)
      throws SQLException {
    ps.setString(1, userId);
    ps.setString(2, deviceId);
    ps.setString(3, algorithm);
  }

  @Override
  public Map<CrossSigningKeyType, ObjectNode> crossSigningKeys(String userId) {
    return tx.read(c -> {
      Map<CrossSigningKeyType, ObjectNode> out = new EnumMap<>(CrossSigningKeyType.class);
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT key_type, key_json FROM e2e_cross_signing_keys WHERE user_id = ?")) {
        ps.setString(1, userId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.put(CrossSigningKeyType.fromUsage(rs.getString(1)), (ObjectNode) json(rs.getBytes(2)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public void putCrossSigningKeys(String userId, Map<CrossSigningKeyType, ObjectNode> keys) {
    changes.inTransaction(tx, (c, recorder) -> {
      try (PreparedStatement ps = c.prepareStatement(upsertCrossSigningKey)) {
        for (Map.Entry<CrossSigningKeyType, ObjectNode> key : keys.entrySet()) {
          ps.setString(1, userId);
          ps.setString(2, key.getKey().usage());
          ps.setString(3, CrossSigningKeys.publicKey(key.getValue()));
          ps.setBytes(4, bytes(key.getValue()));
          ps.addBatch();
        }
        ps.executeBatch();
      }
      recorder.record(userId, null);
      return null;
    });
  }

  @Override
  public List<KeySignature> signatures(String targetUserId) {
    return tx.read(c -> {
      List<KeySignature> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT target_key_id, signer_user_id, signer_key_id, signature"
          + " FROM e2e_key_signatures WHERE target_user_id = ?"
          + " ORDER BY target_key_id, signer_user_id, signer_key_id")) {
        ps.setString(1, targetUserId);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new KeySignature(targetUserId, rs.getString(1), rs.getString(2), rs.getString(3),
                rs.getString(4)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public void addSignatures(List<KeySignature> signatures) {
    changes.inTransaction(tx, (c, recorder) -> {
      Set<List<String>> targets = new LinkedHashSet<>();
      try (PreparedStatement ps = c.prepareStatement(upsertSignature)) {
        for (KeySignature signature : signatures) {
          ps.setString(1, signature.targetUserId());
          ps.setString(2, signature.targetKeyId());
          ps.setString(3, signature.signerUserId());
          ps.setString(4, signature.signerKeyId());
          ps.setString(5, signature.signature());
          ps.addBatch();
          boolean own = signature.targetUserId().equals(signature.signerUserId());
          targets.add(Arrays.asList(signature.targetUserId(), own ? null : signature.signerUserId()));
        }
        ps.executeBatch();
      }
      for (List<String> target : targets) {
        recorder.record(target.get(0), target.get(1));
      }
      return null;
    });
  }

  @Override
  public void deleteDevices(String userId, Collection<String> deviceIds) {
    if (deviceIds.isEmpty()) {
      return;
    }
    changes.inTransaction(tx, (c, recorder) -> {
      for (String table : List.of("e2e_device_keys", "e2e_one_time_keys", "e2e_fallback_keys")) {
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
      deleteSignatures(c, userId, deviceIds);
      recorder.record(userId, null);
      return null;
    });
  }

  @Override
  public void deleteUser(String userId) {
    changes.inTransaction(tx, (c, recorder) -> {
      for (String table : List.of("e2e_device_keys", "e2e_one_time_keys", "e2e_fallback_keys",
          "e2e_cross_signing_keys")) {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE user_id = ?")) {
          ps.setString(1, userId);
          ps.executeUpdate();
        }
      }
      try (PreparedStatement ps = c.prepareStatement("DELETE FROM e2e_key_signatures WHERE target_user_id = ?")) {
        ps.setString(1, userId);
        ps.executeUpdate();
      }
      recorder.record(userId, null);
      return null;
    });
  }

  private static void deleteSignatures(Connection c, String userId, Collection<String> targetKeyIds)
      throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "DELETE FROM e2e_key_signatures WHERE target_user_id = ? AND target_key_id = ?")) {
      for (String keyId : targetKeyIds) {
        ps.setString(1, userId);
        ps.setString(2, keyId);
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  static byte[] bytes(JsonNode json) {
    try {
      return JsonMapper.shared().writeValueAsBytes(json);
    } catch (JsonProcessingException e) {
      throw new StorageException("cannot encode key JSON", e);
    }
  }

  static JsonNode json(byte[] bytes) {
    try {
      return JsonMapper.shared().readTree(bytes);
    } catch (IOException e) {
      throw new StorageException("stored key JSON is unreadable", e);
    }
  }

  // Parameters 1–5 of the one-time and fallback key inserts: owner, device, and "<algorithm>:<key id>" split at its
  // first colon (the key service has checked the form), then the key's exact JSON.
  private static void bindAlgorithmKey(
      PreparedStatement ps, String userId, String deviceId, Map.Entry<String, JsonNode> key) throws SQLException {
    int colon = key.getKey().indexOf(':');
    ps.setString(1, userId);
    ps.setString(2, deviceId);
    ps.setString(3, key.getKey().substring(0, colon));
    ps.setString(4, key.getKey().substring(colon + 1));
    ps.setBytes(5, bytes(key.getValue()));
  }
}
