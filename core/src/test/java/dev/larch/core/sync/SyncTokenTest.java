package dev.larch.core.sync;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.room.PaginationToken;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class SyncTokenTest {
  @Test
  void serialize_thenParse_roundTrips() {
    SyncToken token = new SyncToken(42, 7, 3, 1_718_000_000_000L, 1_718_000_000_002L);
    assertEquals("s42_7_3_1718000000000_1718000000002_0_0", token.serialize());
    assertEquals(token, SyncToken.parse(token.serialize()));
  }

  @Test
  void e2eeParts_areAppendedAtTheEnd() {
    SyncToken token = new SyncToken(42, 7, 3, 9, 9, 5, 11);
    assertEquals("s42_7_3_9_9_5_11", token.serialize());
    assertEquals(token, SyncToken.parse(token.serialize()));
    // A token handed out before the end-to-end encryption streams existed still parses.
    assertEquals(new SyncToken(42, 7, 3, 9, 9, 0, 0), SyncToken.parse("s42_7_3_9_9"));
  }

  @Test
  void parse_missingTrailingParts_readAsZero() {
    assertEquals(new SyncToken(42, 0, 0, 0, 0), SyncToken.parse("s42"));
    assertEquals(new SyncToken(42, 7, 0, 0, 0), SyncToken.parse("s42_7"));
  }

  @Test
  void eventPart_isWhatMessagesReads() {
    PaginationToken read = PaginationToken.parse(new SyncToken(42, 7, 3, 9, 9).serialize());
    assertEquals(new PaginationToken.Stream(42), read);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "s", "t1_2", "s1_2_3_4_5_6_7_8", "s-1", "s1__2", "sx", "s99999999999999999999"})
  void parse_garbage_isInvalidParam(String token) {
    MatrixException e = assertThrows(MatrixException.class, () -> SyncToken.parse(token));
    assertEquals(ErrorCode.INVALID_PARAM, e.errorCode());
  }
}
