package dev.larch.core.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class UserIdTest {
  @Test
  void parse_plainId_splitsLocalpartAndServer() {
    UserId id = UserId.parse("@alice:example.org:8448");
    assertEquals("alice", id.localpart());
    assertEquals("example.org:8448", id.serverName().value());
    assertEquals("@alice:example.org:8448", id.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"@a-b.c=d_e/f+g:x.org", "@0:x.org", "@alice:[::1]:80"})
  void parseNew_currentGrammar_accepted(String value) {
    UserId id = UserId.parseNew(value);
    assertTrue(id.followsCurrentGrammar());
    assertTrue(id.isCompliant());
  }

  @ParameterizedTest
  @ValueSource(strings = {"@Alice:x.org", "@al ice:x.org", "@alice!:x.org", "@:x.org", "@ü:x.org"})
  void parseNew_historicalLocalpart_throwsInvalidParam(String value) {
    MatrixException e = assertThrows(MatrixException.class, () -> UserId.parseNew(value));
    assertEquals(ErrorCode.INVALID_PARAM, e.errorCode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"@Alice:x.org", "@freenode_x[m]:x.org", "@a~!\"#$%&'()*,;<=>?[\\]^`{|}:x.org"})
  void parse_historicalPrintableAscii_acceptedAndCompliant(String value) {
    UserId id = UserId.parse(value);
    assertFalse(id.followsCurrentGrammar());
    assertTrue(id.isCompliant());
    assertEquals(value, id.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"@:x.org", "@ü:x.org", "@a b:x.org", "@tab\t:x.org", "@😀:x.org"})
  void parse_nonCompliantHistorical_acceptedButNotCompliant(String value) {
    UserId id = UserId.parse(value);
    assertFalse(id.isCompliant());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "alice:x.org",
        "#alice:x.org",
        "@alice",
        "@alice:",
        "@alice:bad_server",
        "@nul\u0000:x.org",
        "@lone\ud800:x.org"
      })
  void parse_notAUserId_throwsInvalidParam(String value) {
    assertThrows(MatrixException.class, () -> UserId.parse(value));
    assertTrue(UserId.tryParse(value).isEmpty());
    assertFalse(UserId.isValid(value));
  }

  @Test
  void parse_colonInLocalpart_takesFirstColonAsSeparator() {
    // "@a:b:c" is localpart "a" on server "b:c", which is no valid port, so the whole ID is rejected.
    assertTrue(UserId.tryParse("@a:b:c").isEmpty());
    assertEquals("a", UserId.parse("@a:b:1").localpart());
  }

  @Test
  void parse_exactly255Bytes_acceptedAnd256Rejected() {
    String server = ":x.org";
    String at255 = "@" + "a".repeat(255 - 1 - server.length()) + server;
    assertEquals(255, at255.length());
    assertTrue(UserId.isValid(at255));
    String at256 = "@" + "a".repeat(256 - 1 - server.length()) + server;
    assertFalse(UserId.isValid(at256));
  }

  @Test
  void parse_byteLimitCountsUtf8_multiByteLocalpartRejected() {
    // 127 two-byte characters: 134 chars in all, but 261 bytes of UTF-8.
    String id = "@" + "é".repeat(127) + ":x.org";
    assertTrue(id.length() <= 255);
    assertFalse(UserId.isValid(id));
  }

  @Test
  void constructor_colonInLocalpart_throws() {
    ServerName server = ServerName.parse("x.org");
    assertThrows(MatrixException.class, () -> new UserId("a:b", server));
    assertEquals("@a:x.org", new UserId("a", server).toString());
  }

  @Test
  void isValidNewLocalpart_grammar_matches() {
    assertTrue(UserId.isValidNewLocalpart("abc.def_9=+/-"));
    assertFalse(UserId.isValidNewLocalpart(""));
    assertFalse(UserId.isValidNewLocalpart("ABC"));
    assertFalse(UserId.isValidNewLocalpart(null));
  }
}
