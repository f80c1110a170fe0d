package dev.larch.core.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.JsonMapper;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * One {@code /publicRooms} request, checked: the same for the client API (GET query parameters, POST body) and the
 * federation API, which share {@link #fromJson} and {@link #fromQuery}.
 *
 * <p>Spec: client-server API v1.11, {@code POST /publicRooms}: {@code limit}, {@code since},
 * {@code filter.generic_search_term}, {@code filter.room_types} (a {@code null} entry stands for rooms without a
 * type), {@code include_all_networks}, {@code third_party_instance_id} (accepted; this server bridges no networks).
 *
 * @param limit the most rooms in the page, or null for no limit
 * @param since a {@code next_batch} or {@code prev_batch} token of an earlier page, or null for the first page
 * @param searchTerm matched case-insensitively within name, topic, canonical alias and room ID; null: any room
 * @param roomTypes the room types wanted, {@code null} entries meaning untyped rooms; null: every type
 */
public record PublicRoomsQuery(Integer limit, String since, String searchTerm, List<String> roomTypes,
    boolean includeAllNetworks, String thirdPartyInstanceId) {
  public PublicRoomsQuery {
    if (limit != null && limit < 0) {
      throw MatrixException.invalidParam("limit must not be negative");
    }
    // List.copyOf refuses nulls, and a null entry means "rooms without a type".
    roomTypes = roomTypes == null ? null : Collections.unmodifiableList(new ArrayList<>(roomTypes));
  }

  /** Every published room, first page. */
  public static PublicRoomsQuery all() {
    return new PublicRoomsQuery(null, null, null, null, false, null);
  }

  /** {@code GET /publicRooms?limit=&since=}; {@code M_INVALID_PARAM} for a limit that is not a whole number. */
  public static PublicRoomsQuery fromQuery(Optional<String> limit, Optional<String> since) {
    Integer parsed = null;
    if (limit.isPresent() && !limit.get().isEmpty()) {
      try {
        parsed = Integer.parseInt(limit.get());
      } catch (NumberFormatException e) {
        throw MatrixException.invalidParam("limit must be an integer");
      }
    }
    return new PublicRoomsQuery(parsed, since.filter(s -> !s.isEmpty()).orElse(null), null, null, false, null);
  }

  /** The body of {@code POST /publicRooms}; {@code M_BAD_JSON} for a field of the wrong type. */
  public static PublicRoomsQuery fromJson(ObjectNode body) {
    Integer limit = null;
    JsonNode limitNode = body.get("limit");
    if (limitNode != null && !limitNode.isNull()) {
      if (!limitNode.isIntegralNumber() || !limitNode.canConvertToInt()) {
        throw MatrixException.badJson("limit must be an integer");
      }
      limit = limitNode.asInt();
    }
    String since = optionalString(body, "since");
    JsonNode filter = body.get("filter");
    String term = null;
    List<String> roomTypes = null;
    if (filter != null && !filter.isNull()) {
      if (!filter.isObject()) {
        throw MatrixException.badJson("filter must be an object");
      }
      term = optionalString((ObjectNode) filter, "generic_search_term");
      JsonNode types = filter.get("room_types");
      if (types != null && !types.isNull()) {
        if (!types.isArray()) {
          throw MatrixException.badJson("filter.room_types must be an array");
        }
        roomTypes = new ArrayList<>();
        for (JsonNode type : types) {
          if (!type.isNull() && !type.isTextual()) {
            throw MatrixException.badJson("filter.room_types must hold strings or null");
          }
          roomTypes.add(type.isNull() ? null : type.asText());
        }
      }
    }
    JsonNode allNetworks = body.get("include_all_networks");
    if (allNetworks != null && !allNetworks.isNull() && !allNetworks.isBoolean()) {
      throw MatrixException.badJson("include_all_networks must be a boolean");
    }
    String instance = optionalString(body, "third_party_instance_id");
    if (instance != null && allNetworks != null && allNetworks.asBoolean(false)) {
      throw MatrixException.invalidParam("third_party_instance_id cannot be used with include_all_networks");
    }
    return new PublicRoomsQuery(limit, since, term == null || term.isEmpty() ? null : term, roomTypes,
        allNetworks != null && allNetworks.asBoolean(false), instance);
  }

  /** The request as a {@code POST /publicRooms} body, for asking another server. */
  public ObjectNode toJson() {
    ObjectNode out = JsonMapper.shared().createObjectNode();
    if (limit != null) {
      out.put("limit", limit);
    }
    if (since != null) {
      out.put("since", since);
    }
    ObjectNode filter = out.putObject("filter");
    if (searchTerm != null) {
      filter.put("generic_search_term", searchTerm);
    }
    if (roomTypes != null) {
      ArrayNode types = filter.putArray("room_types");
      roomTypes.forEach(types::add);
    }
    if (includeAllNetworks) {
      out.put("include_all_networks", true);
    }
    if (thirdPartyInstanceId != null) {
      out.put("third_party_instance_id", thirdPartyInstanceId);
    }
    return out;
  }

  private static String optionalString(ObjectNode body, String field) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw MatrixException.badJson(field + " must be a string");
    }
    return value.asText();
  }
}
