package dev.larch.core.filter;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.error.MatrixException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a client's filter JSON into a {@link Filter}, rejecting what does not fit the schema: a wrong JSON type is
 * {@code M_BAD_JSON}, a value out of range (a limit below 1, an unknown {@code event_format}) {@code M_INVALID_PARAM}.
 * Unknown keys are ignored, since the spec is extensible.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#post_matrixclientv3useruseridfilter">
 * client-server API v1.11, {@code POST /user/{userId}/filter}</a>.
 */
public final class FilterParser {
  private FilterParser() {}

  /** The filter {@code json} describes. */
  public static Filter parse(JsonNode json) {
    requireObject(json, "filter");
    String format = optionalString(json, "event_format", "client");
    if (!format.equals("client") && !format.equals("federation")) {
      throw MatrixException.invalidParam("event_format must be 'client' or 'federation'");
    }
    return new Filter(
        stringList(json, "event_fields", null),
        format.equals("federation"),
        eventFilter(json.get("presence"), "presence"),
        eventFilter(json.get("account_data"), "account_data"),
        roomFilter(json.get("room")));
  }

  private static RoomFilter roomFilter(JsonNode json) {
    if (json == null || json.isNull()) {
      return RoomFilter.ALL;
    }
    requireObject(json, "room");
    return new RoomFilter(
        stringList(json, "rooms", null),
        stringList(json, "not_rooms", List.of()),
        optionalBoolean(json, "include_leave", false),
        roomEventFilter(json.get("timeline"), "room.timeline"),
        roomEventFilter(json.get("state"), "room.state"),
        roomEventFilter(json.get("ephemeral"), "room.ephemeral"),
        roomEventFilter(json.get("account_data"), "room.account_data"));
  }

  private static RoomEventFilter roomEventFilter(JsonNode json, String name) {
    if (json == null || json.isNull()) {
      return RoomEventFilter.ALL;
    }
    requireObject(json, name);
    JsonNode containsUrl = json.get("contains_url");
    if (containsUrl != null && !containsUrl.isNull() && !containsUrl.isBoolean()) {
      throw MatrixException.badJson(name + ".contains_url must be a boolean");
    }
    return new RoomEventFilter(
        eventFilter(json, name),
        stringList(json, "rooms", null),
        stringList(json, "not_rooms", List.of()),
        containsUrl == null || containsUrl.isNull() ? null : containsUrl.booleanValue(),
        optionalBoolean(json, "lazy_load_members", false),
        optionalBoolean(json, "include_redundant_members", false));
  }

  private static EventFilter eventFilter(JsonNode json, String name) {
    if (json == null || json.isNull()) {
      return EventFilter.ALL;
    }
    requireObject(json, name);
    int limit = 0;
    JsonNode limitNode = json.get("limit");
    if (limitNode != null && !limitNode.isNull()) {
      if (!limitNode.isIntegralNumber()) {
        throw MatrixException.badJson(name + ".limit must be an integer");
      }
      if (limitNode.asLong() < 1 || !limitNode.canConvertToInt()) {
        throw MatrixException.invalidParam(name + ".limit must be a positive integer");
      }
      limit = limitNode.intValue();
    }
    return new EventFilter(
        limit,
        stringList(json, "types", null),
        stringList(json, "not_types", List.of()),
        stringList(json, "senders", null),
        stringList(json, "not_senders", List.of()));
  }

  private static void requireObject(JsonNode json, String name) {
    if (!json.isObject()) {
      throw MatrixException.badJson(name + " must be a JSON object");
    }
  }

  private static boolean optionalBoolean(JsonNode json, String key, boolean fallback) {
    JsonNode node = json.get(key);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isBoolean()) {
      throw MatrixException.badJson(key + " must be a boolean");
    }
    return node.booleanValue();
  }

  private static String optionalString(JsonNode json, String key, String fallback) {
    JsonNode node = json.get(key);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isTextual()) {
      throw MatrixException.badJson(key + " must be a string");
    }
    return node.textValue();
  }

  private static List<String> stringList(JsonNode json, String key, List<String> fallback) {
    JsonNode node = json.get(key);
    if (node == null || node.isNull()) {
      return fallback;
    }
    if (!node.isArray()) {
      throw MatrixException.badJson(key + " must be an array of strings");
    }
    List<String> values = new ArrayList<>(node.size());
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw MatrixException.badJson(key + " must be an array of strings");
      }
      values.add(item.textValue());
    }
    return List.copyOf(values);
  }
}
