package dev.larch.core.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.room.RoomVersion;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Map;

/**
 * Encodes JSON values as Matrix canonical JSON: UTF-8, no insignificant whitespace, object keys sorted by Unicode
 * code point, only the escapes the grammar allows, integers only.
 *
 * <p>Spec: appendices, "Signing JSON" / "Canonical JSON"; room versions, "Canonical JSON".
 *
 * <p>Two modes:
 *
 * <ul>
 *   <li>{@link #STRICT} (room versions 6+ and everything outside events): integers must lie within ±(2^53−1); a
 *       decimal or exponent form of an integral value in range ({@code 1e10}, {@code 1.0}, {@code -0}) is written as
 *       that integer, as the spec's examples require; any other number is a {@link CanonicalJsonException}.
 *   <li>{@link #LENIENT} (room versions 1–5, whose events "might not be fully compliant"): integers of any size are
 *       written exactly, and numbers written with a fraction or exponent are written the way the Python reference
 *       encoder prints a float (see {@code LegacyFloats}), so hashes and signatures made by such servers still
 *       check. A value beyond double range, NaN or a string with an unpaired surrogate still fails: no
 *       implementation can encode those.
 * </ul>
 *
 * <p>Encoding is a single pass into one growing byte array; only each object's key list is sorted.
 */
public final class CanonicalJson {
  /** The spec's encoding, enforced. */
  public static final CanonicalJson STRICT = new CanonicalJson(true);

  /** The encoding for events of room versions 1–5, which tolerates out-of-range integers and floats. */
  public static final CanonicalJson LENIENT = new CanonicalJson(false);

  /** The largest integer canonical JSON allows, 2^53−1 (the smallest is its negation). */
  public static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

  /** Orders strings by Unicode code point, which is also UTF-8 byte order (not Java's UTF-16 unit order). */
  public static final Comparator<String> CODE_POINT_ORDER = CanonicalJson::compareCodePoints;

  // Values built in code are not depth-limited like parsed ones; this keeps a runaway tree from overflowing the stack.
  private static final int MAX_DEPTH = 512;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
  private static final String[] NONE = new String[0];

  private final boolean strict;

  private CanonicalJson(boolean strict) {
    this.strict = strict;
  }

  /** The mode events of this room version are hashed and signed with. */
  public static CanonicalJson forRoomVersion(RoomVersion roomVersion) {
    return roomVersion.strictCanonicalJson() ? STRICT : LENIENT;
  }

  public boolean isStrict() {
    return strict;
  }

  /** The canonical UTF-8 bytes of {@code value}. */
  public byte[] encode(JsonNode value) {
    Sink out = new Sink(256);
    writeValue(out, value, 0, NONE);
    return out.toByteArray();
  }

  /** The canonical encoding of {@code value} as a string. */
  public String encodeToString(JsonNode value) {
    return new String(encode(value), StandardCharsets.UTF_8);
  }

  /**
   * The canonical bytes of {@code object} as if the given top-level keys were absent, without copying it: what
   * signing ({@code signatures}, {@code unsigned}) and hashing ({@code hashes}) need.
   */
  public byte[] encodeWithout(ObjectNode object, String... omittedKeys) {
    Sink out = new Sink(512);
    writeObject(out, object, 0, omittedKeys);
    return out.toByteArray();
  }

  /** Checks that {@code value} has an encoding in this mode, throwing {@link CanonicalJsonException} if not. */
  public void check(JsonNode value) {
    check(value, 0);
  }

  /** Compares by Unicode code point: a surrogate pair (U+10000 and up) sorts after every other UTF-16 unit. */
  public static int compareCodePoints(String a, String b) {
    int n = Math.min(a.length(), b.length());
    for (int i = 0; i < n; i++) {
      char x = a.charAt(i);
      char y = b.charAt(i);
      if (x != y) {
        boolean xs = Character.isSurrogate(x);
        boolean ys = Character.isSurrogate(y);
        if (xs == ys) {
          return x - y;
        }
        // U+E000..U+FFFF are below every supplementary code point but above the surrogate units in UTF-16.
        return xs ? 1 : -1;
      }
    }
    return a.length() - b.length();
  }

  private void writeValue(Sink out, JsonNode node, int depth, String[] omitted) {
    switch (node.getNodeType()) {
      case OBJECT -> writeObject(out, (ObjectNode) node, depth, omitted);
      case ARRAY -> {
        guardDepth(depth);
        out.put((byte) '[');
        boolean first = true;
        for (JsonNode element : node) {
          if (!first) {
            out.put((byte) ',');
          }
          first = false;
          writeValue(out, element, depth + 1, NONE);
        }
        out.put((byte) ']');
      }
      case STRING -> writeString(out, node.textValue());
      case NUMBER -> out.putAscii(numberText(node));
      case BOOLEAN -> out.putAscii(node.booleanValue() ? "true" : "false");
      case NULL -> out.putAscii("null");
      default -> throw new CanonicalJsonException("not a JSON value: " + node.getNodeType());
    }
  }

  private void writeObject(Sink out, ObjectNode object, int depth, String[] omitted) {
    guardDepth(depth);
    String[] names = new String[object.size()];
    int count = 0;
    for (Map.Entry<String, JsonNode> field : object.properties()) {
      String name = field.getKey();
      if (!contains(omitted, name)) {
        names[count++] = name;
      }
    }
    if (count > 1) {
      Arrays.sort(names, 0, count, CODE_POINT_ORDER);
    }
    out.put((byte) '{');
    for (int i = 0; i < count; i++) {
      if (i > 0) {
        out.put((byte) ',');
      }
      writeString(out, names[i]);
      out.put((byte) ':');
      writeValue(out, object.get(names[i]), depth + 1, NONE);
    }
    out.put((byte) '}');
  }

  private static void writeString(Sink out, String s) {
    int n = s.length();
    // Worst case per UTF-16 unit is a six-byte u00XX escape (a pair of units never takes more than four bytes), but
    // reserving that for every string made buffers six times too large: reserve for plain ASCII, and grow to the
    // worst case of the rest only once an escape or a non-ASCII unit has used the slack.
    out.ensure(n + 8L);
    byte[] b = out.buf;
    int p = out.len;
    b[p++] = '"';
    for (int i = 0; i < n; i++) {
      if (b.length - p < n - i + 6) {
        out.len = p;
        out.ensure(6L * (n - i) + 1);
        b = out.buf;
      }
      char c = s.charAt(i);
      if (c < 0x80) {
        if (c >= 0x20 && c != '"' && c != '\\') {
          b[p++] = (byte) c;
          continue;
        }
        b[p++] = '\\';
        switch (c) {
          case '"' -> b[p++] = '"';
          case '\\' -> b[p++] = '\\';
          case '\b' -> b[p++] = 'b';
          case '\f' -> b[p++] = 'f';
          case '\n' -> b[p++] = 'n';
          case '\r' -> b[p++] = 'r';
          case '\t' -> b[p++] = 't';
          default -> {
            b[p++] = 'u';
            b[p++] = '0';
            b[p++] = '0';
            b[p++] = HEX[c >> 4];
            b[p++] = HEX[c & 0xF];
          }
        }
      } else if (c < 0x800) {
        b[p++] = (byte) (0xC0 | (c >> 6));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      } else if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
          throw new CanonicalJsonException("string has an unpaired surrogate, which UTF-8 cannot encode");
        }
        int cp = Character.toCodePoint(c, s.charAt(++i));
        b[p++] = (byte) (0xF0 | (cp >> 18));
        b[p++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
        b[p++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (cp & 0x3F));
      } else {
        b[p++] = (byte) (0xE0 | (c >> 12));
        b[p++] = (byte) (0x80 | ((c >> 6) & 0x3F));
        b[p++] = (byte) (0x80 | (c & 0x3F));
      }
    }
    b[p++] = '"';
    out.len = p;
  }

  /** The canonical text of a number node in this mode. */
  private String numberText(JsonNode node) {
    if (node.isIntegralNumber()) {
      if (node.canConvertToLong()) {
        long v = node.longValue();
        if (strict && (v > MAX_SAFE_INTEGER || v < -MAX_SAFE_INTEGER)) {
          throw outOfRange(node);
        }
        return Long.toString(v);
      }
      if (strict) {
        throw outOfRange(node);
      }
      return node.bigIntegerValue().toString();
    }
    if (!strict) {
      double d = node.isBigDecimal() ? node.decimalValue().doubleValue() : node.doubleValue();
      if (!Double.isFinite(d)) {
        throw new CanonicalJsonException("number is not finite: " + node);
      }
      return LegacyFloats.repr(d);
    }
    BigDecimal value;
    if (node.isBigDecimal()) {
      value = node.decimalValue();
    } else {
      double d = node.doubleValue();
      if (!Double.isFinite(d)) {
        throw new CanonicalJsonException("number is not finite: " + node);
      }
      value = new BigDecimal(d);
    }
    if (value.signum() == 0) {
      return "0"; // covers -0 and 0.0: "negative zero MUST NOT appear"
    }
    BigDecimal stripped = value.stripTrailingZeros();
    if (stripped.scale() > 0) {
      throw new CanonicalJsonException("canonical JSON allows integers only, got " + node);
    }
    // Digits before the point, computed without expanding a huge exponent such as 1e999999999.
    if (stripped.precision() - stripped.scale() > 16) {
      throw outOfRange(node);
    }
    long v = stripped.longValueExact();
    if (v > MAX_SAFE_INTEGER || v < -MAX_SAFE_INTEGER) {
      throw outOfRange(node);
    }
    return Long.toString(v);
  }

  private void check(JsonNode node, int depth) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        guardDepth(depth);
        for (Map.Entry<String, JsonNode> field : node.properties()) {
          checkString(field.getKey());
          check(field.getValue(), depth + 1);
        }
      }
      case ARRAY -> {
        guardDepth(depth);
        for (JsonNode element : node) {
          check(element, depth + 1);
        }
      }
      case STRING -> checkString(node.textValue());
      case NUMBER -> numberText(node);
      case BOOLEAN, NULL -> {}
      default -> throw new CanonicalJsonException("not a JSON value: " + node.getNodeType());
    }
  }

  private static void checkString(String s) {
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (!Character.isHighSurrogate(c) || i + 1 >= n || !Character.isLowSurrogate(s.charAt(i + 1))) {
          throw new CanonicalJsonException("string has an unpaired surrogate, which UTF-8 cannot encode");
        }
        i++;
      }
    }
  }

  private static void guardDepth(int depth) {
    if (depth >= MAX_DEPTH) {
      throw new CanonicalJsonException("JSON nested deeper than " + MAX_DEPTH);
    }
  }

  private static CanonicalJsonException outOfRange(JsonNode node) {
    return new CanonicalJsonException("integer outside ±(2^53−1): " + node);
  }

  private static boolean contains(String[] names, String name) {
    for (String candidate : names) {
      if (candidate.equals(name)) {
        return true;
      }
    }
    return false;
  }

  /** A growable byte buffer without ByteArrayOutputStream's locking and bounds checks per byte. */
  private static final class Sink {
    byte[] buf;
    int len;

    Sink(int capacity) {
      buf = new byte[capacity];
    }

    void ensure(long extra) {
      long needed = len + extra;
      if (needed > buf.length) {
        if (needed > Integer.MAX_VALUE - 8) {
          throw new CanonicalJsonException("JSON too large to encode");
        }
        buf = Arrays.copyOf(buf, (int) Math.max(needed, Math.min(2L * buf.length, Integer.MAX_VALUE - 8)));
      }
    }

    void put(byte b) {
      if (len == buf.length) {
        ensure(1);
      }
      buf[len++] = b;
    }

    void putAscii(String s) {
      int n = s.length();
      ensure(n);
      for (int i = 0; i < n; i++) {
        buf[len++] = (byte) s.charAt(i);
      }
    }

    byte[] toByteArray() {
      return Arrays.copyOf(buf, len);
    }
  }
}
