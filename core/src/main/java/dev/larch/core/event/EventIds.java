package dev.larch.core.event;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.UnpaddedBase64;
import dev.larch.core.room.RoomVersion;

/**
 * Event IDs for each room version, and the room ID of a room version 12 room.
 *
 * <p>Spec: room versions, "Event IDs" (v1: {@code $opaque:server} chosen by the origin and carried in
 * {@code event_id}; v3: {@code $} + unpadded Base64 of the reference hash; v4+: the URL-safe alphabet) and room
 * version 12, "Event format" (the room ID is the create event's ID with sigil {@code !}).
 */
public final class EventIds {
  private EventIds() {}

  /**
   * The ID of {@code event} in a room of {@code roomVersion}. Throws {@link IllegalArgumentException} if a v1–2 event
   * carries no usable {@code event_id}, or ({@link dev.larch.core.json.CanonicalJsonException}) if the redacted event
   * has no canonical encoding.
   */
  public static String eventId(ObjectNode event, RoomVersion roomVersion) {
    if (roomVersion.eventsCarryIds()) {
      JsonNode id = event.get("event_id");
      if (id == null || !id.isTextual() || id.textValue().length() < 2 || id.textValue().charAt(0) != '$') {
        throw new IllegalArgumentException(
            "events of room version " + roomVersion.identifier() + " must carry an event_id starting with $");
      }
      return id.textValue();
    }
    return fromReferenceHash(ReferenceHash.compute(event, roomVersion), roomVersion);
  }

  /** The event ID for a reference hash, in the room version's format (v3 and later). */
  public static String fromReferenceHash(byte[] referenceHash, RoomVersion roomVersion) {
    return switch (roomVersion.eventIdFormat()) {
      case V3_BASE64 -> "$" + UnpaddedBase64.encode(referenceHash);
      case V4_URL_SAFE -> "$" + UnpaddedBase64.encodeUrlSafe(referenceHash);
      case V1_LOCAL -> throw new IllegalArgumentException(
          "room version " + roomVersion.identifier() + " event IDs are not derived from hashes");
    };
  }

  /**
   * The room ID of the room that {@code createEvent} creates, for room versions whose room ID is the create event's
   * reference hash (12+): {@code !} + unpadded URL-safe Base64.
   */
  public static String roomIdForCreateEvent(ObjectNode createEvent, RoomVersion roomVersion) {
    if (!roomVersion.privilegedCreators()) {
      throw new IllegalArgumentException(
          "room version " + roomVersion.identifier() + " room IDs are chosen by the creating server");
    }
    return "!" + UnpaddedBase64.encodeUrlSafe(ReferenceHash.compute(createEvent, roomVersion));
  }
}
