package dev.larch.core.backup;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;

/**
 * One backed-up room key ({@code KeyBackupData}): the fields the server compares, plus the object as sent.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#server-side-key-backups">client-server API
 * v1.11, "Server-side key backups"</a>. When a key for a session is already stored, the server keeps the better
 * one ({@link #isBetterThan}):
 *
 * <ol>
 *   <li>if {@code is_verified} differs, the verified one;
 *   <li>else the one with the lower {@code first_message_index};
 *   <li>else the one with the lower {@code forwarded_count}; on a tie, the stored one stays.
 * </ol>
 */
public record RoomKeyBackup(
    String roomId, String sessionId, long firstMessageIndex, long forwardedCount, boolean verified,
    ObjectNode json) {

  /** Reads {@code json}; {@code M_BAD_JSON} if a required field is missing or of the wrong type. */
  public static RoomKeyBackup parse(String roomId, String sessionId, JsonNode json) {
    if (!(json instanceof ObjectNode object)) {
      throw MatrixException.badJson("key backup data must be an object");
    }
    JsonNode first = object.get("first_message_index");
    JsonNode forwarded = object.get("forwarded_count");
    JsonNode verified = object.get("is_verified");
    JsonNode sessionData = object.get("session_data");
    if (first == null || !first.canConvertToLong() || !first.isIntegralNumber() || first.longValue() < 0) {
      throw MatrixException.badJson("first_message_index must be a non-negative integer");
    }
    if (forwarded == null || !forwarded.isIntegralNumber() || !forwarded.canConvertToLong()
        || forwarded.longValue() < 0) {
      throw MatrixException.badJson("forwarded_count must be a non-negative integer");
    }
    if (verified == null || !verified.isBoolean()) {
      throw MatrixException.badJson("is_verified must be a boolean");
    }
    if (sessionData == null || !sessionData.isObject()) {
      throw MatrixException.badJson("session_data must be an object");
    }
    return new RoomKeyBackup(roomId, sessionId, first.longValue(), forwarded.longValue(), verified.booleanValue(),
        object);
  }

  /** Whether this key should replace {@code stored} under the spec's rules (above). */
  public boolean isBetterThan(RoomKeyBackup stored) {
    if (verified != stored.verified) {
      return verified;
    }
    if (firstMessageIndex != stored.firstMessageIndex) {
      return firstMessageIndex < stored.firstMessageIndex;
    }
    return forwardedCount < stored.forwardedCount;
  }
}
