package dev.larch.core.federation.inbound;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.Pdu;
import dev.larch.core.id.UserId;
import dev.larch.core.room.EventBuilder;
import dev.larch.core.room.RoomVersion;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * Step 1 of the checks on receipt of a PDU: is it a valid event of its room version at all? An event that is not
 * is dropped, never stored.
 *
 * <p>Spec: server-server API, "Checks performed on receipt of a PDU" (1: it must contain a {@code room_id} and
 * comply with the event format of its room version), "PDUs" (at most 20 {@code prev_events} and 10
 * {@code auth_events}); client-server API, "Size limits" (the whole event at most 65,536 bytes of canonical JSON;
 * {@code sender}, {@code room_id}, {@code type} and {@code state_key} at most 255 bytes). Room versions 1–2 carry
 * their event ID and reference prev/auth events as {@code [id, hashes]} pairs; later versions list bare IDs.
 */
public final class PduFormat {
  /** The most {@code prev_events} a PDU may name. */
  public static final int MAX_PREV_EVENTS = 20;

  /** The most {@code auth_events} a PDU may name. */
  public static final int MAX_AUTH_EVENTS = 10;

  private static final int MAX_ID_BYTES = 255;

  private PduFormat() {}

  /**
   * Wraps a received event of a room of {@code version}, computing its event ID: empty if no ID can be worked out
   * (a v1–2 event without {@code event_id}, or one with no canonical encoding), so it cannot even be named.
   */
  public static Optional<Pdu> wrap(RoomVersion version, JsonNode json) {
    if (!(json instanceof ObjectNode object)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Pdu.fromJson(version, object));
    } catch (MatrixException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** What is wrong with {@code pdu} as an event of room {@code roomId}, or empty if its format is valid. */
  public static Optional<String> problem(Pdu pdu, String roomId) {
    ObjectNode json = pdu.json();
    RoomVersion version = pdu.roomVersion();
    int size;
    try {
      size = pdu.canonicalJson().length;
    } catch (IllegalArgumentException e) {
      return Optional.of("event has no canonical JSON encoding");
    }
    if (size > EventBuilder.MAX_EVENT_BYTES) {
      return Optional.of("event is larger than " + EventBuilder.MAX_EVENT_BYTES + " bytes");
    }
    Optional<String> fields = firstOf(
        idField(json, "type"),
        idField(json, "sender"),
        json.has("state_key") ? idField(json, "state_key") : Optional.empty(),
        roomIdProblem(pdu, roomId),
        json.get("content") instanceof ObjectNode ? Optional.empty() : Optional.of("content is not an object"),
        integer(json, "origin_server_ts"),
        integer(json, "depth"),
        json.get("hashes") instanceof ObjectNode ? Optional.empty() : Optional.of("hashes is not an object"),
        json.get("signatures") instanceof ObjectNode ? Optional.empty() : Optional.of("signatures is not an object"),
        references(json, "prev_events", MAX_PREV_EVENTS, version),
        references(json, "auth_events", MAX_AUTH_EVENTS, version));
    if (fields.isPresent()) {
      return fields;
    }
    if (!UserId.isValid(pdu.sender())) {
      return Optional.of("sender is not a user ID");
    }
    if (json.get("depth").asLong() < 0) {
      return Optional.of("depth is negative");
    }
    return Optional.empty();
  }

  @SafeVarargs
  private static Optional<String> firstOf(Optional<String>... problems) {
    for (Optional<String> problem : problems) {
      if (problem.isPresent()) {
        return problem;
      }
    }
    return Optional.empty();
  }

  private static Optional<String> roomIdProblem(Pdu pdu, String roomId) {
    JsonNode node = pdu.json().get("room_id");
    if (node != null && (!node.isTextual() || node.textValue().getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES)) {
      return Optional.of("room_id is not a string of at most " + MAX_ID_BYTES + " bytes");
    }
    // pdu.roomId() derives the room ID of a room version 12 create event, which carries none.
    if (pdu.roomId() == null) {
      return Optional.of("event has no room_id");
    }
    return Objects.equals(pdu.roomId(), roomId)
        ? Optional.empty()
        : Optional.of("event belongs to room " + pdu.roomId() + ", not " + roomId);
  }

  private static Optional<String> idField(ObjectNode json, String field) {
    JsonNode node = json.get(field);
    if (node == null || !node.isTextual()) {
      return Optional.of(field + " is not a string");
    }
    if (node.textValue().getBytes(StandardCharsets.UTF_8).length > MAX_ID_BYTES) {
      return Optional.of(field + " is longer than " + MAX_ID_BYTES + " bytes");
    }
    return Optional.empty();
  }

  private static Optional<String> integer(ObjectNode json, String field) {
    JsonNode node = json.get(field);
    return node != null && node.isIntegralNumber() && node.canConvertToLong()
        ? Optional.empty()
        : Optional.of(field + " is not an integer");
  }

  // v1–2: [["$id:server", {"sha256": ...}], ...]; v3+: ["$id", ...].
  private static Optional<String> references(ObjectNode json, String field, int max, RoomVersion version) {
    JsonNode node = json.get(field);
    if (node == null || !node.isArray()) {
      return Optional.of(field + " is not an array");
    }
    if (node.size() > max) {
      return Optional.of(field + " names more than " + max + " events");
    }
    for (JsonNode entry : node) {
      JsonNode id = entry;
      if (version.eventsCarryIds()) {
        if (!entry.isArray() || entry.size() != 2 || !entry.get(1).isObject()) {
          return Optional.of(field + " entries must be [event_id, hashes] pairs");
        }
        id = entry.get(0);
      }
      if (!id.isTextual() || !id.textValue().startsWith("$")) {
        return Optional.of(field + " contains something that is not an event ID");
      }
    }
    return Optional.empty();
  }
}
