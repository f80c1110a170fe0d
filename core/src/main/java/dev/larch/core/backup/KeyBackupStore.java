package dev.larch.core.backup;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Port: a user's key backup versions and the room keys in them. Every method is one transaction. Versions are
 * numbered per server; the user's highest version that is not deleted is the current one.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#server-side-key-backups">client-server API
 * v1.11, "Server-side key backups"</a>.
 */
public interface KeyBackupStore {
  /** Creates a version, which becomes the current one, and returns it. */
  String create(String userId, String algorithm, ObjectNode authData);

  /** The current version, or empty if the user has none. */
  Optional<BackupVersion> current(String userId);

  /** A version that exists and is not deleted, or empty. */
  Optional<BackupVersion> version(String userId, String version);

  /** Replaces a version's {@code auth_data}; false if there is no such version. */
  boolean updateAuthData(String userId, String version, ObjectNode authData);

  /** Deletes a version and its keys; false if there is no such version (deleted ones included). */
  boolean delete(String userId, String version);

  /**
   * Stores keys in a version, each replacing the stored key of its session only if
   * {@link RoomKeyBackup#isBetterThan} it. Empty if there is no such version.
   */
  Optional<BackupCounts> putKeys(String userId, String version, List<RoomKeyBackup> keys);

  /**
   * The version's keys, room ID to session ID to key data, narrowed to one room and one session when those are not
   * null.
   */
  Map<String, Map<String, ObjectNode>> keys(String userId, String version, String roomId, String sessionId);

  /** Deletes keys of a version (all, a room's, or one session's); empty if there is no such version. */
  Optional<BackupCounts> deleteKeys(String userId, String version, String roomId, String sessionId);
}
