package dev.larch.core.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.room.RoomVersion;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CanonicalJsonTest {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private static JsonNode parse(String json) {
    return ReceivedJson.parseValue(json.getBytes(StandardCharsets.UTF_8));
  }

  private static String strict(String json) {
    return CanonicalJson.STRICT.encodeToString(parse(json));
  }

  private static String lenient(String json) {
    return CanonicalJson.LENIENT.encodeToString(parse(json));
  }

  @Test
  void encode_whenKeysUnsorted_sortsByCodePoint() {
    assertEquals("{\"A\":1,\"a\":2,\"aa\":3,\"b\":{\"x\":[],\"y\":{}}}", strict("{\"b\":{\"y\":{},\"x\":[]},\"aa\":3,\"a\":2,\"A\":1}"));
  }

  @Test
  void encode_whenKeyBeyondBmp_sortsItAfterHighBmpKeys() {
    // U+FB01 (one UTF-16 unit 0xFB01) sorts before U+1F600 (units 0xD83D 0xDE00) by code point, though not by
    // String.compareTo.
    ObjectNode object = NODES.objectNode();
    object.put("\uD83D\uDE00", 2);
    object.put("\uFB01", 1);
    object.put("\uD7FF", 0);

    assertEquals("{\"\uD7FF\":0,\"\uFB01\":1,\"\uD83D\uDE00\":2}", CanonicalJson.STRICT.encodeToString(object));
    assertTrue("\uD83D\uDE00".compareTo("\uFB01") < 0, "String.compareTo orders the other way");
  }

  @Test
  void compareCodePoints_randomStrings_agreesWithUtf8ByteOrder() {
    Random random = new Random(42);
    int[] pool = {0x41, 0x7A, 0xE9, 0x7FF, 0x800, 0xD7FF, 0xE000, 0xFB01, 0xFFFF, 0x10000, 0x1F600, 0x10FFFF};
    for (int i = 0; i < 5000; i++) {
      String a = randomString(random, pool);
      String b = randomString(random, pool);
      int expected =
          Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

      assertEquals(Integer.signum(expected), Integer.signum(CanonicalJson.compareCodePoints(a, b)), a + " vs " + b);
    }
  }

  private static String randomString(Random random, int[] pool) {
    StringBuilder s = new StringBuilder();
    for (int n = random.nextInt(4); n >= 0; n--) {
      s.appendCodePoint(pool[random.nextInt(pool.length)]);
    }
    return s.toString();
  }

  @Test
  void encode_whenControlChars_usesShortFormsAndLowercaseHex() {
    String value = "\"\\\b\f\n\r\t\u0000\u000b\u001f";

    assertEquals(
        "\"\\\"\\\\\\b\\f\\n\\r\\t\\u0000\\u000b\\u001f\"",
        CanonicalJson.STRICT.encodeToString(NODES.textNode(value)));
  }

  @Test
  void encode_whenSlashDelAndLineSeparator_writesThemLiterally() {
    assertArrayEquals(
        "\"/\u007f\u2028\"".getBytes(StandardCharsets.UTF_8),
        CanonicalJson.STRICT.encode(NODES.textNode("/\u007f\u2028")));
  }

  @Test
  void encode_whenNonAscii_writesUtf8Bytes() {
    byte[] encoded = CanonicalJson.STRICT.encode(NODES.textNode("日é\uD83D\uDE00"));

    assertArrayEquals(
        new byte[] {'"', (byte) 0xE6, (byte) 0x97, (byte) 0xA5, (byte) 0xC3, (byte) 0xA9, (byte) 0xF0, (byte) 0x9F,
          (byte) 0x98, (byte) 0x80, '"'},
        encoded);
  }

  @ParameterizedTest
  @ValueSource(strings = {"\uD800", "a\uDC00", "\uD83Dx", "\uDE00\uD83D"})
  void encode_whenUnpairedSurrogate_throws(String value) {
    assertThrows(CanonicalJsonException.class, () -> CanonicalJson.STRICT.encode(NODES.textNode(value)));
    assertThrows(CanonicalJsonException.class, () -> CanonicalJson.LENIENT.check(NODES.objectNode().put(value, 1)));
  }

  @ParameterizedTest
  @CsvSource({"9007199254740991,9007199254740991", "-9007199254740991,-9007199254740991", "0,0", "-0,0"})
  void encode_whenIntegerInRange_writesIt(String input, String expected) {
    assertEquals("[" + expected + "]", strict("[" + input + "]"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"9007199254740992", "-9007199254740992", "9223372036854775807", "123456789012345678901234567890"})
  void encode_whenIntegerOutOfRange_throws(String input) {
    JsonNode value = parse("[" + input + "]");

    assertThrows(CanonicalJsonException.class, () -> CanonicalJson.STRICT.encode(value));
    assertThrows(CanonicalJsonException.class, () -> CanonicalJson.STRICT.check(value));
  }

  @ParameterizedTest
  @CsvSource({"1.0,1", "1e10,10000000000", "-0.0,0", "1.50e1,15", "-9.007199254740991E15,-9007199254740991", "0e99,0"})
  void encode_whenDecimalIsIntegralInRange_writesInteger(String input, String expected) {
    assertEquals("{\"n\":" + expected + "}", strict("{\"n\":" + input + "}"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1.5", "-0.1", "1e16", "9.007199254740992e15", "1e999999999", "1e-999999999"})
  void encode_whenDecimalIsFractionalOrOutOfRange_throws(String input) {
    JsonNode value = parse("{\"n\":" + input + "}");

    assertThrows(CanonicalJsonException.class, () -> CanonicalJson.STRICT.encode(value));
  }

  @Test
  void encode_whenDoubleNodes_normalisesIntegralAndRejectsOthers() {
    assertEquals("[2,0]", CanonicalJson.STRICT.encodeToString(NODES.arrayNode().add(2.0).add(-0.0)));
    assertThrows(CanonicalJsonException.class, () -> CanonicalJson.STRICT.encode(NODES.numberNode(2.5)));
    assertThrows(CanonicalJsonException.class, () -> CanonicalJson.STRICT.encode(NODES.numberNode(Double.NaN)));
    assertThrows(CanonicalJsonException.class, () -> CanonicalJson.LENIENT.encode(NODES.numberNode(Double.NaN)));
  }

  @Test
  void encode_whenLenientAndIntegerOutOfRange_writesExactDigits() {
    assertEquals("[9007199254740992,-123456789012345678901234567890]", lenient("[9007199254740992,-123456789012345678901234567890]"));
    assertEquals("[99999999999999999999]", CanonicalJson.LENIENT.encodeToString(NODES.arrayNode().add(new BigInteger("99999999999999999999"))));
  }

  @ParameterizedTest
  @CsvSource({"1.5,1.5", "1e10,10000000000.0", "1e16,1e+16", "0.00001,1e-05", "1234567890123456.7,1234567890123456.8", "-2.5e-7,-2.5e-07", "3.0e0,3.0"})
  void encode_whenLenientAndFloat_writesPythonRepr(String input, String expected) {
    assertEquals("[" + expected + "]", lenient("[" + input + "]"));
  }

  @Test
  void encode_whenLenientAndFloatBeyondDoubleRange_throws() {
    assertThrows(CanonicalJsonException.class, () -> CanonicalJson.LENIENT.encode(parse("[1e400]")));
  }

  @Test
  void encode_whenLiteralsAndNesting_writesNoWhitespace() {
    assertEquals("[true,false,null,[[]],{\"a\":[1,\"x\"]}]", strict(" [ true , false , null , [ [ ] ] , { \"a\" : [ 1 , \"x\" ] } ] "));
  }

  @Test
  void encodeWithout_whenKeysOmitted_dropsOnlyTopLevelOnes() {
    ObjectNode json = (ObjectNode) parse("{\"signatures\":{},\"unsigned\":{\"age\":1},\"b\":{\"signatures\":1},\"a\":1}");

    byte[] encoded = CanonicalJson.STRICT.encodeWithout(json, "signatures", "unsigned");

    assertEquals("{\"a\":1,\"b\":{\"signatures\":1}}", new String(encoded, StandardCharsets.UTF_8));
    assertEquals(4, json.size(), "the input is not changed");
  }

  @Test
  void encode_whenNestedTooDeep_throws() {
    JsonNode node = NODES.arrayNode();
    for (int i = 0; i < 600; i++) {
      node = NODES.arrayNode().add(node);
    }
    JsonNode deep = node;

    assertThrows(CanonicalJsonException.class, () -> CanonicalJson.STRICT.encode(deep));
  }

  @Test
  void forRoomVersion_whenVersion5Or6_picksLenientThenStrict() {
    assertSame(CanonicalJson.LENIENT, CanonicalJson.forRoomVersion(RoomVersion.V5));
    assertSame(CanonicalJson.STRICT, CanonicalJson.forRoomVersion(RoomVersion.V6));
    assertSame(CanonicalJson.STRICT, CanonicalJson.forRoomVersion(RoomVersion.V12));
  }

  @Test
  void encode_whenLargeString_growsBuffer() {
    String big = "x".repeat(100_000) + "日";

    byte[] encoded = CanonicalJson.STRICT.encode(NODES.objectNode().put("k", big));

    assertEquals(100_000 + 3 + 8, encoded.length);
  }
}
