package dev.larch.core.json;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReceivedJsonTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static ErrorCode errorOf(byte[] body) {
    return assertThrows(MatrixException.class, () -> ReceivedJson.parseObject(body)).errorCode();
  }

  @Test
  void parseObject_whenValid_keepsOrderAndExactNumbers() {
    ObjectNode object =
        ReceivedJson.parseObject(utf8("{\"z\":1,\"a\":12345678901234567890,\"m\":1.50,\"s\":\"\\u65E5\"}"));

    List<String> names = new ArrayList<>();
    object.fieldNames().forEachRemaining(names::add);
    assertEquals(List.of("z", "a", "m", "s"), names);
    assertEquals(new BigInteger("12345678901234567890"), object.get("a").bigIntegerValue());
    assertEquals(new BigDecimal("1.50"), object.get("m").decimalValue());
    assertEquals("日", object.get("s").textValue());
  }

  @ParameterizedTest
  @ValueSource(strings = {"{\"a\":1,\"a\":2}", "{\"x\":{\"b\":true,\"b\":true}}", "[{\"k\":1,\"k\":1}]"})
  void parseValue_whenDuplicateKey_isBadJson(String body) {
    MatrixException e = assertThrows(MatrixException.class, () -> ReceivedJson.parseValue(utf8(body)));

    assertEquals(ErrorCode.BAD_JSON, e.errorCode());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "   ", "{", "{\"a\":1} x", "{} {}", "{\"a\":01}", "{'a':1}", "{\"a\":NaN}", "{\"a\":1,}", "nul"})
  void parseObject_whenNotJson_isNotJson(String body) {
    assertEquals(ErrorCode.NOT_JSON, errorOf(utf8(body)));
  }

  @Test
  void parseObject_whenInvalidUtf8_isNotJson() {
    assertEquals(ErrorCode.NOT_JSON, errorOf(new byte[] {'{', '"', 'a', '"', ':', '"', (byte) 0xC3, '"', '}'}));
  }

  @Test
  void parseObject_whenUtf16_isNotJson() {
    assertEquals(ErrorCode.NOT_JSON, errorOf("{\"a\":1}".getBytes(StandardCharsets.UTF_16LE)));
  }

  @ParameterizedTest
  @ValueSource(strings = {"[]", "\"s\"", "1", "null"})
  void parseObject_whenNotAnObject_isBadJson(String body) {
    assertEquals(ErrorCode.BAD_JSON, errorOf(utf8(body)));
  }

  @Test
  void parseObject_whenNestedTooDeep_isBadJson() {
    String body = "{\"a\":".repeat(ReceivedJson.MAX_DEPTH + 1) + "1" + "}".repeat(ReceivedJson.MAX_DEPTH + 1);

    assertEquals(ErrorCode.BAD_JSON, errorOf(utf8(body)));
  }

  @Test
  void parseObject_whenNestedToTheLimit_parses() {
    int depth = ReceivedJson.MAX_DEPTH - 1;
    String body = "{\"a\":".repeat(depth) + "1" + "}".repeat(depth);

    assertTrue(ReceivedJson.parseObject(utf8(body)).has("a"));
  }

  @Test
  void parseValue_whenNumberTooLong_isBadJson() {
    MatrixException e =
        assertThrows(MatrixException.class, () -> ReceivedJson.parseValue(utf8("[" + "1".repeat(200) + "]")));

    assertEquals(ErrorCode.BAD_JSON, e.errorCode());
  }

  @Test
  void requireCanonical_whenFloat_isBadJsonAndWhenIntegerPasses() {
    JsonNode bad = ReceivedJson.parseValue(utf8("{\"a\":[1.5]}"));
    JsonNode good = ReceivedJson.parseValue(utf8("{\"a\":[15]}"));

    assertEquals(
        ErrorCode.BAD_JSON, assertThrows(MatrixException.class, () -> ReceivedJson.requireCanonical(bad)).errorCode());
    assertDoesNotThrow(() -> ReceivedJson.requireCanonical(good));
  }
}
