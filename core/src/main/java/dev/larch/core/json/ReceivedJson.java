package dev.larch.core.json;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import java.io.IOException;

/**
 * Reads JSON received from the network into a tree kept exactly as sent: every number at full precision, keys in
 * their received order, nothing dropped, so that hashes and signatures over it still check.
 *
 * <p>Spec: server-server API, "API standards" (UTF-8 JSON bodies); client-server API, "Standard error response".
 * Bytes that are not JSON (syntax errors, trailing data, bad UTF-8, an empty body) are {@code M_NOT_JSON}; JSON this
 * server will not accept (a duplicate key, nesting deeper than {@value #MAX_DEPTH}, an over-long number, a body that
 * is not an object where one is required, or for strict room versions a value without a canonical encoding) is
 * {@code M_BAD_JSON}.
 */
public final class ReceivedJson {
  /** The deepest nesting accepted, the same bound the shared mapper's parser enforces. */
  public static final int MAX_DEPTH = 100;

  private static final JsonNodeFactory NODES = JsonMapper.shared().getNodeFactory();

  private ReceivedJson() {}

  /** Parses a body that must be a JSON object, such as any Matrix request body or event. */
  public static ObjectNode parseObject(byte[] body) {
    JsonNode value = parseValue(body);
    if (!(value instanceof ObjectNode object)) {
      throw MatrixException.badJson("expected a JSON object, got " + value.getNodeType().name().toLowerCase());
    }
    return object;
  }

  /** Parses a body that may be any JSON value. */
  public static JsonNode parseValue(byte[] body) {
    if (body == null || body.length == 0) {
      throw MatrixException.notJson("empty body");
    }
    if (looksWide(body)) {
      throw MatrixException.notJson("JSON must be encoded as UTF-8");
    }
    try (JsonParser parser = JsonMapper.shared().getFactory().createParser(body)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw MatrixException.notJson("empty body");
      }
      JsonNode value = read(parser, first, 0);
      if (parser.nextToken() != null) {
        throw MatrixException.notJson("unexpected data after the JSON value");
      }
      return value;
    } catch (StreamConstraintsException e) {
      throw MatrixException.badJson("JSON exceeds a size limit: " + e.getOriginalMessage());
    } catch (JsonParseException e) {
      throw MatrixException.notJson("invalid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw MatrixException.notJson("invalid JSON");
    }
  }

  /**
   * Requires {@code value} to have a strict canonical encoding (room versions 6+ "MUST strictly enforce" it), as
   * {@code M_BAD_JSON}.
   */
  public static void requireCanonical(JsonNode value) {
    try {
      CanonicalJson.STRICT.check(value);
    } catch (CanonicalJsonException e) {
      throw MatrixException.badJson(e.getMessage());
    }
  }

  private static JsonNode read(JsonParser parser, JsonToken token, int depth) throws IOException {
    if (token == null) {
      throw MatrixException.notJson("unexpected end of JSON");
    }
    switch (token) {
      case START_OBJECT -> {
        checkDepth(depth);
        ObjectNode object = NODES.objectNode();
        for (String name = parser.nextFieldName(); name != null; name = parser.nextFieldName()) {
          JsonNode value = read(parser, parser.nextToken(), depth + 1);
          // Signed JSON with two values for one key is read differently by different servers: refuse it.
          if (object.replace(name, value) != null) {
            throw MatrixException.badJson("duplicate key \"" + name + "\"");
          }
        }
        return object;
      }
      case START_ARRAY -> {
        checkDepth(depth);
        ArrayNode array = NODES.arrayNode();
        for (JsonToken next = parser.nextToken(); next != JsonToken.END_ARRAY; next = parser.nextToken()) {
          array.add(read(parser, next, depth + 1));
        }
        return array;
      }
      case VALUE_STRING -> {
        return NODES.textNode(parser.getText());
      }
      case VALUE_NUMBER_INT -> {
        return switch (parser.getNumberType()) {
          case INT -> NODES.numberNode(parser.getIntValue());
          case LONG -> NODES.numberNode(parser.getLongValue());
          default -> NODES.numberNode(parser.getBigIntegerValue());
        };
      }
      case VALUE_NUMBER_FLOAT -> {
        return NODES.numberNode(parser.getDecimalValue());
      }
      case VALUE_TRUE -> {
        return NODES.booleanNode(true);
      }
      case VALUE_FALSE -> {
        return NODES.booleanNode(false);
      }
      case VALUE_NULL -> {
        return NODES.nullNode();
      }
      default -> throw MatrixException.notJson("invalid JSON");
    }
  }

  private static void checkDepth(int depth) {
    if (depth >= MAX_DEPTH) {
      throw MatrixException.badJson("JSON nested deeper than " + MAX_DEPTH);
    }
  }

  // A NUL among the first bytes means UTF-16 or UTF-32, which the parser would otherwise silently accept.
  private static boolean looksWide(byte[] body) {
    for (int i = 0; i < Math.min(4, body.length); i++) {
      if (body[i] == 0) {
        return true;
      }
    }
    return body.length >= 2 && (body[0] & 0xFF) >= 0xFE && (body[1] & 0xFF) >= 0xFE;
  }
}
