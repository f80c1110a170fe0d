package dev.larch.client.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.type.LogicalType;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.JsonMapper;
import java.util.stream.Collectors;

/**
 * Maps request bodies onto wire records without Jackson's lenient coercions: {@code "username": 5} or
 * {@code "inhibit_login": "yes"} is {@code M_BAD_JSON} naming the field, not a silently converted value.
 *
 * <p>A copy of the shared mapper (whose own settings stay as they are), with scalar coercions turned off.
 */
final class WireJson {
  private static final ObjectMapper STRICT = strict();

  private WireJson() {}

  static ObjectNode emptyObject() {
    return STRICT.createObjectNode();
  }

  static <T> T map(ObjectNode json, Class<T> type) {
    try {
      return STRICT.treeToValue(json, type);
    } catch (ValueInstantiationException e) {
      // A record's constructor refused a value: its own MatrixException is the better message.
      if (e.getCause() instanceof MatrixException m) {
        throw m;
      }
      throw MatrixException.badJson("invalid value" + at(e) + describe(e.getCause()));
    } catch (JsonMappingException e) {
      throw MatrixException.badJson("wrong type" + at(e));
    } catch (JsonProcessingException e) {
      throw MatrixException.badJson("invalid request body");
    }
  }

  private static String at(JsonMappingException e) {
    String path =
        e.getPath().stream()
            .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
            .collect(Collectors.joining("."));
    return path.isEmpty() ? "" : " for field " + path.replace(".[", "[");
  }

  private static String describe(Throwable cause) {
    return cause instanceof IllegalArgumentException && cause.getMessage() != null ? ": " + cause.getMessage() : "";
  }

  private static ObjectMapper strict() {
    ObjectMapper mapper = JsonMapper.shared().copy();
    mapper.disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
    // Only mismatched shapes are listed: Jackson never consults coercion configs for text into a String field.
    fail(mapper, LogicalType.Textual, CoercionInputShape.Integer, CoercionInputShape.Float,
        CoercionInputShape.Boolean);
    fail(mapper, LogicalType.Boolean, CoercionInputShape.String, CoercionInputShape.EmptyString,
        CoercionInputShape.Integer, CoercionInputShape.Float);
    fail(mapper, LogicalType.Integer, CoercionInputShape.String, CoercionInputShape.EmptyString,
        CoercionInputShape.Float, CoercionInputShape.Boolean);
    fail(mapper, LogicalType.Float, CoercionInputShape.String, CoercionInputShape.EmptyString,
        CoercionInputShape.Boolean);
    return mapper;
  }

  private static void fail(ObjectMapper mapper, LogicalType type, CoercionInputShape... shapes) {
    for (CoercionInputShape shape : shapes) {
      mapper.coercionConfigFor(type).setCoercion(shape, CoercionAction.Fail);
    }
  }
}
