package dev.larch.core.id;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ServerNameTest {
  @ParameterizedTest
  @ValueSource(
      strings = {
        "matrix.org",
        "matrix.org:8888",
        "1.2.3.4",
        "1.2.3.4:1234",
        "[1234:5678::abcd]",
        "[1234:5678::abcd]:5678",
        "[::1]",
        "[::]",
        "[::ffff:192.0.2.1]",
        "[2001:db8:0:0:0:0:2:1]",
        "localhost",
        "MATRIX.ORG",
        "a-b.c-d",
        "x:1",
        "x:65535"
      })
  void parse_specExamplesAndVariants_accepted(String value) {
    assertEquals(value, ServerName.parse(value).toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "matrix.org:",
        "matrix.org:0",
        "matrix.org:65536",
        "matrix.org:123456",
        "matrix.org:80a",
        "matrix_org",
        "matrix.org/x",
        "ex ample.org",
        "[1234:5678::abcd",
        "[1234:5678::abcd]x",
        "[1:2:3:4:5:6:7:8:9]",
        "[1::2::3]",
        "[12345::1]",
        "[::g]",
        "[1:2:3:4:5:6:7]",
        "[]",
        "[:1]",
        "[1.2.3.4::]",
        "[::1.2.3.256]",
        "1234:5678::abcd",
        "ünicode.org"
      })
  void parse_outsideGrammar_throwsInvalidParam(String value) {
    MatrixException e = assertThrows(MatrixException.class, () -> ServerName.parse(value));
    assertEquals(ErrorCode.INVALID_PARAM, e.errorCode());
  }

  @Test
  void parse_dnsNameOf256Characters_rejected() {
    assertTrue(ServerName.isValid("a".repeat(255)));
    assertFalse(ServerName.isValid("a".repeat(256)));
  }

  @Test
  void tryParse_null_empty() {
    assertTrue(ServerName.tryParse(null).isEmpty());
    assertThrows(MatrixException.class, () -> ServerName.parse(null));
  }

  @Test
  void hostnameAndPort_withPort_split() {
    ServerName name = ServerName.parse("matrix.org:8448");
    assertEquals("matrix.org", name.hostname());
    assertEquals(OptionalInt.of(8448), name.port());
  }

  @Test
  void hostnameAndPort_ipv6WithPort_keepsBrackets() {
    ServerName name = ServerName.parse("[::1]:8448");
    assertEquals("[::1]", name.hostname());
    assertEquals(OptionalInt.of(8448), name.port());
    assertEquals(OptionalInt.empty(), ServerName.parse("[::1]").port());
  }

  @Test
  void port_leadingZeros_keptInWireForm() {
    ServerName name = ServerName.parse("matrix.org:08448");
    assertEquals(OptionalInt.of(8448), name.port());
    assertEquals("matrix.org:08448", name.toString());
  }

  @Test
  void isIpLiteral_ipv4AndIpv6_true() {
    assertTrue(ServerName.parse("1.2.3.4").isIpLiteral());
    assertTrue(ServerName.parse("1.2.3.4:80").isIpLiteral());
    assertTrue(ServerName.parse("[::1]").isIpLiteral());
    assertFalse(ServerName.parse("matrix.org").isIpLiteral());
  }

  @Test
  void isIpLiteral_dottedQuadAbove255_isDnsName() {
    // The grammar's dns-name admits digits and dots, so this parses, but it is no IPv4 literal.
    ServerName name = ServerName.parse("1.2.3.256");
    assertFalse(name.isIpLiteral());
  }

  @Test
  void equals_caseDiffers_notEqual() {
    assertFalse(ServerName.parse("matrix.org").equals(ServerName.parse("MATRIX.ORG")));
  }
}
