package dev.larch.core.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Server-side key backups: the {@code /room_keys/version} CRUD and the {@code /room_keys/keys} endpoints.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#server-side-key-backups">client-server API
 * v1.11, "Server-side key backups"</a>. No backup, or an unknown version, is 404 {@code M_NOT_FOUND}; uploading
 * into a version that is not the current one is 403 {@code M_WRONG_ROOM_KEYS_VERSION} with
 * {@code current_version}. Reads and deletes may name any existing version.
 */
public final class KeyBackupService {
  private static final Logger log = LoggerFactory.getLogger(KeyBackupService.class);
  private static final int MAX_ALGORITHM_LENGTH = 255;

  private final KeyBackupStore store;

  public KeyBackupService(KeyBackupStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** {@code POST /room_keys/version}: creates a backup version, which becomes the current one. */
  public String create(String userId, ObjectNode body) {
    String version = store.create(userId, algorithm(body), authData(body));
    log.info("key backup created user={} version={}", userId, version);
    return version;
  }

  /** {@code GET /room_keys/version}: the current version. */
  public BackupVersion current(String userId) {
    return store.current(userId).orElseThrow(() -> MatrixException.notFound("No current backup version"));
  }

  /** {@code GET /room_keys/version/{version}}. */
  public BackupVersion version(String userId, String version) {
    return store.version(userId, version).orElseThrow(KeyBackupService::unknownVersion);
  }

  /**
   * {@code PUT /room_keys/version/{version}}: replaces {@code auth_data}; the {@code algorithm} must stay the same,
   * and a {@code version} in the body must be the path's ({@code M_INVALID_PARAM}).
   */
  public void update(String userId, String version, ObjectNode body) {
    BackupVersion existing = version(userId, version);
    if (!existing.algorithm().equals(algorithm(body))) {
      throw MatrixException.invalidParam("Algorithm does not match");
    }
    JsonNode bodyVersion = body.get("version");
    if (bodyVersion != null && !bodyVersion.isNull()
        && !(bodyVersion.isTextual() && bodyVersion.textValue().equals(version))) {
      throw MatrixException.invalidParam("Version in body does not match");
    }
    if (!store.updateAuthData(userId, version, authData(body))) {
      throw unknownVersion();
    }
  }

  /** {@code DELETE /room_keys/version/{version}}: succeeds again for a version deleted before. */
  public void delete(String userId, String version) {
    if (!store.delete(userId, version)) {
      throw unknownVersion();
    }
    log.info("key backup deleted user={} version={}", userId, version);
  }

  /**
   * {@code PUT /room_keys/keys[/{roomId}[/{sessionId}]]}: stores keys in the current version.
   *
   * @param keys room ID to session ID to key data
   */
  public BackupCounts putKeys(String userId, String version, Map<String, Map<String, JsonNode>> keys) {
    BackupVersion current = store.current(userId).orElseThrow(KeyBackupService::unknownVersion);
    if (!current.version().equals(version)) {
      throw new MatrixException(ErrorCode.WRONG_ROOM_KEYS_VERSION, "Wrong backup version",
          Map.of("current_version", current.version()), null);
    }
    List<RoomKeyBackup> parsed = new ArrayList<>();
    keys.forEach((roomId, sessions) -> sessions.forEach((sessionId, data) ->
        parsed.add(RoomKeyBackup.parse(roomId, sessionId, data))));
    return store.putKeys(userId, version, parsed).orElseThrow(KeyBackupService::unknownVersion);
  }

  /**
   * {@code GET /room_keys/keys[/{roomId}[/{sessionId}]]}: room ID to session ID to key data; a missing session is
   * {@code M_NOT_FOUND} only when one session was asked for.
   */
  public Map<String, Map<String, ObjectNode>> keys(String userId, String version, String roomId, String sessionId) {
    version(userId, version);
    Map<String, Map<String, ObjectNode>> keys = store.keys(userId, version, roomId, sessionId);
    if (sessionId != null && keys.getOrDefault(roomId, Map.of()).get(sessionId) == null) {
      throw MatrixException.notFound("Key not found");
    }
    return keys;
  }

  /** {@code DELETE /room_keys/keys[/{roomId}[/{sessionId}]]}. */
  public BackupCounts deleteKeys(String userId, String version, String roomId, String sessionId) {
    return store.deleteKeys(userId, version, roomId, sessionId).orElseThrow(KeyBackupService::unknownVersion);
  }

  private static String algorithm(ObjectNode body) {
    JsonNode algorithm = body.get("algorithm");
    if (algorithm == null || algorithm.isNull()) {
      throw MatrixException.missingParam("algorithm is required");
    }
    if (!algorithm.isTextual() || algorithm.textValue().isEmpty()
        || algorithm.textValue().length() > MAX_ALGORITHM_LENGTH) {
      throw MatrixException.badJson("algorithm must be a string");
    }
    return algorithm.textValue();
  }

  private static ObjectNode authData(ObjectNode body) {
    JsonNode authData = body.get("auth_data");
    if (authData == null || authData.isNull()) {
      throw MatrixException.missingParam("auth_data is required");
    }
    if (!(authData instanceof ObjectNode object)) {
      throw MatrixException.badJson("auth_data must be an object");
    }
    return object;
  }

  private static MatrixException unknownVersion() {
    return MatrixException.notFound("Unknown backup version");
  }
}
