package dev.larch.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.CanonicalJson;
import dev.larch.core.room.RoomVersion;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A persistent data unit (room event): the exact JSON as received or created, its room version and its event ID.
 *
 * <p>Signed JSON is never round-tripped through a typed record, so this class only reads the wrapped object. The
 * object must not be mutated after construction; callers that need a changed event build a new one.
 *
 * <p>Spec: server-server API, "PDUs"; room versions, "Event format".
 */
public final class Pdu {
  private final RoomVersion roomVersion;
  private final ObjectNode json;
  private final String eventId;
  // Memoised canonicalJson(); a race computes it twice, harmlessly.
  private volatile byte[] canonicalJson;

  /**
   * Wraps an event whose ID is already known: computed from the reference hash (v3+), taken from its
   * {@code event_id} (v1–2), or given by a test fixture.
   */
  public Pdu(RoomVersion roomVersion, ObjectNode json, String eventId) {
    this.roomVersion = Objects.requireNonNull(roomVersion, "roomVersion");
    this.json = Objects.requireNonNull(json, "json");
    this.eventId = Objects.requireNonNull(eventId, "eventId");
  }

  /**
   * Wraps an event received for a room of {@code roomVersion}, computing its event ID (v3+) or reading its
   * {@code event_id} (v1–2). For room versions 6+ the event must have a strict canonical encoding (its
   * {@code unsigned} aside, which no hash covers). Throws {@link MatrixException} {@code M_BAD_JSON} otherwise.
   * Hashes and signatures are not checked here: see {@link PduVerifier}.
   */
  public static Pdu fromJson(RoomVersion roomVersion, ObjectNode json) {
    try {
      if (roomVersion.strictCanonicalJson()) {
        for (Map.Entry<String, JsonNode> field : json.properties()) {
          if (!field.getKey().equals("unsigned")) {
            CanonicalJson.STRICT.check(field.getValue());
          }
        }
      }
      return new Pdu(roomVersion, json, EventIds.eventId(json, roomVersion));
    } catch (IllegalArgumentException e) {
      throw MatrixException.badJson("invalid event: " + e.getMessage());
    }
  }

  public RoomVersion roomVersion() {
    return roomVersion;
  }

  /** The wrapped JSON. Treat it as read-only. */
  public ObjectNode json() {
    return json;
  }

  public String eventId() {
    return eventId;
  }

  /**
   * The whole event (signatures and {@code unsigned} included) as canonical JSON of its room version: what storage
   * writes. Computed once, as the JSON is read-only; the array is shared, so callers must not modify it.
   */
  public byte[] canonicalJson() {
    byte[] bytes = canonicalJson;
    if (bytes == null) {
      bytes = CanonicalJson.forRoomVersion(roomVersion).encode(json);
      canonicalJson = bytes;
    }
    return bytes;
  }

  public String type() {
    return text("type");
  }

  /** The state key, or null for a non-state event. */
  public String stateKey() {
    JsonNode node = json.get("state_key");
    return node != null && node.isTextual() ? node.asText() : null;
  }

  public boolean isState() {
    return stateKey() != null;
  }

  /** The (type, state_key) slot of a state event. */
  public Optional<StateKey> stateSlot() {
    String key = stateKey();
    return key == null ? Optional.empty() : Optional.of(new StateKey(type(), key));
  }

  public String sender() {
    return text("sender");
  }

  /**
   * The room ID. For room version 12 create events, which carry none, this is derived from the event ID.
   */
  public String roomId() {
    String roomId = text("room_id");
    if (roomId == null && roomVersion.privilegedCreators() && "m.room.create".equals(type())) {
      return "!" + eventId.substring(1);
    }
    return roomId;
  }

  public ObjectNode content() {
    JsonNode node = json.get("content");
    return node instanceof ObjectNode o ? o : json.objectNode();
  }

  public long originServerTs() {
    JsonNode node = json.get("origin_server_ts");
    return node != null && node.canConvertToLong() ? node.asLong() : 0L;
  }

  public long depth() {
    JsonNode node = json.get("depth");
    return node != null && node.canConvertToLong() ? node.asLong() : 0L;
  }

  /** The event this one redacts: {@code content.redacts} from v11, the top-level key before (with fallback). */
  public String redacts() {
    JsonNode inContent = content().get("redacts");
    JsonNode topLevel = json.get("redacts");
    JsonNode preferred = roomVersion.redactsInContent() ? inContent : topLevel;
    JsonNode node = preferred != null ? preferred : (roomVersion.redactsInContent() ? topLevel : null);
    return node != null && node.isTextual() ? node.asText() : null;
  }

  /** IDs of the prev_events, in order, for both event formats. */
  public List<String> prevEventIds() {
    return idList("prev_events");
  }

  /** IDs of the auth_events, in order, for both event formats. */
  public List<String> authEventIds() {
    return idList("auth_events");
  }

  /** The membership of an {@code m.room.member} event, or null. */
  public String membership() {
    JsonNode node = content().get("membership");
    return node != null && node.isTextual() ? node.asText() : null;
  }

  private String text(String field) {
    JsonNode node = json.get(field);
    return node != null && node.isTextual() ? node.asText() : null;
  }

  // v1–2 list [[id, {hashes}], …]; v3+ list plain IDs.
  private List<String> idList(String field) {
    JsonNode node = json.get(field);
    if (node == null || !node.isArray()) {
      return List.of();
    }
    List<String> ids = new ArrayList<>(node.size());
    for (JsonNode entry : node) {
      JsonNode id = entry.isArray() && entry.size() > 0 ? entry.get(0) : entry;
      if (id.isTextual()) {
        ids.add(id.asText());
      }
    }
    return Collections.unmodifiableList(ids);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Pdu other && eventId.equals(other.eventId);
  }

  @Override
  public int hashCode() {
    return eventId.hashCode();
  }

  @Override
  public String toString() {
    return "Pdu[" + eventId + " " + type() + (isState() ? " state_key=" + stateKey() : "") + "]";
  }
}
