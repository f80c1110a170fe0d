package dev.larch.core.backup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.JsonMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The spec's replacement rules for backed-up room keys, and the checks on uploaded key data. */
class RoomKeyBackupTest {
  private static RoomKeyBackup key(long first, long forwarded, boolean verified) {
    return new RoomKeyBackup("!r", "s", first, forwarded, verified, null);
  }

  @Test
  void isBetterThan_followsVerifiedThenIndexThenForwardedCount() {
    assertTrue(key(9, 9, true).isBetterThan(key(0, 0, false)));
    assertFalse(key(0, 0, false).isBetterThan(key(9, 9, true)));
    assertTrue(key(1, 9, false).isBetterThan(key(2, 0, false)));
    assertTrue(key(1, 0, true).isBetterThan(key(1, 1, true)));
    assertFalse(key(1, 1, true).isBetterThan(key(1, 1, true)), "a tie keeps the stored key");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "[]",
      "{\"forwarded_count\":0,\"is_verified\":false,\"session_data\":{}}",
      "{\"first_message_index\":-1,\"forwarded_count\":0,\"is_verified\":false,\"session_data\":{}}",
      "{\"first_message_index\":1.5,\"forwarded_count\":0,\"is_verified\":false,\"session_data\":{}}",
      "{\"first_message_index\":0,\"forwarded_count\":\"0\",\"is_verified\":false,\"session_data\":{}}",
      "{\"first_message_index\":0,\"forwarded_count\":0,\"is_verified\":1,\"session_data\":{}}",
      "{\"first_message_index\":0,\"forwarded_count\":0,\"is_verified\":false,\"session_data\":\"x\"}"})
  void parse_malformed_isBadJson(String json) throws Exception {
    MatrixException e = assertThrows(MatrixException.class,
        () -> RoomKeyBackup.parse("!r", "s", JsonMapper.shared().readTree(json)));
    assertEquals(ErrorCode.BAD_JSON, e.errorCode());
  }
}
