package dev.larch.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.id.RoomId;
import dev.larch.core.id.ServerName;
import dev.larch.core.id.UserId;
import dev.larch.core.room.RoomVersion;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Optional;
import java.util.Set;

/**
 * Rule 1 of the authorization rules, for {@code m.room.create} events, and the reading of the create event's
 * creators.
 *
 * <p>Spec: room versions 1–12, "Authorization rules", rule 1; room version 11 (the creator is the {@code sender});
 * room version 12 ("room creators" are the {@code sender} plus {@code content.additional_creators}).
 */
final class CreateRules {
  private CreateRules() {}

  /** Rule 1: an {@code m.room.create} event is judged on its own, without room state. */
  static AuthResult authorize(Pdu event) {
    RoomVersion version = event.roomVersion();
    // 1.1 If it has any prev_events, reject. A prev_events that is not an array cannot be "none".
    JsonNode prevEvents = event.json().get("prev_events");
    if (prevEvents != null && (!prevEvents.isArray() || prevEvents.size() > 0)) {
      return AuthResult.rejected("1.1: m.room.create has prev_events");
    }
    if (version.privilegedCreators()) {
      // 1.2 (v12) If the event has a room_id, reject: the room ID is the create event's own ID.
      if (event.json().has("room_id")) {
        return AuthResult.rejected("1.2: m.room.create carries a room_id");
      }
    } else {
      // 1.2 If the domain of the room_id does not match the domain of the sender, reject.
      Optional<ServerName> roomDomain = RoomId.tryParse(event.roomId()).flatMap(RoomId::serverName);
      Optional<ServerName> senderDomain = UserId.tryParse(event.sender()).map(UserId::serverName);
      if (roomDomain.isEmpty() || !roomDomain.equals(senderDomain)) {
        return AuthResult.rejected("1.2: room_id domain differs from the sender's domain");
      }
    }
    // 1.3 If content.room_version is present and is not a recognised version, reject.
    JsonNode roomVersion = event.content().get("room_version");
    if (roomVersion != null
        && (!roomVersion.isTextual() || RoomVersion.byIdentifier(roomVersion.textValue()).isEmpty())) {
      return AuthResult.rejected("1.3: content.room_version is not a recognised version");
    }
    // 1.4 (v1–10) If content has no creator property, reject.
    if (!version.implicitRoomCreator() && !event.content().has("creator")) {
      return AuthResult.rejected("1.4: content has no creator");
    }
    // 1.4 (v12) If additional_creators is present and not an array of valid user IDs, reject.
    if (version.privilegedCreators() && !additionalCreatorsValid(event.content().get("additional_creators"))) {
      return AuthResult.rejected("1.4: additional_creators is not an array of valid user IDs");
    }
    // 1.5 Otherwise, allow.
    return AuthResult.ALLOWED;
  }

  /**
   * The creator named by the create event: {@code content.creator} up to room version 10, the {@code sender} from
   * version 11. Null if {@code content.creator} is missing or not a string.
   */
  static String roomCreator(Pdu create) {
    if (create.roomVersion().implicitRoomCreator()) {
      return create.sender();
    }
    JsonNode creator = create.content().get("creator");
    return creator != null && creator.isTextual() ? creator.textValue() : null;
  }

  /**
   * The room version 12 "room creators": the {@code sender} of the create event, plus the entries of
   * {@code additional_creators} when that is a valid array. Ordered as named.
   */
  static Set<String> creators(Pdu create) {
    Set<String> creators = new LinkedHashSet<>();
    if (create.sender() != null) {
      creators.add(create.sender());
    }
    JsonNode additional = create.content().get("additional_creators");
    if (additional != null && additionalCreatorsValid(additional)) {
      additional.forEach(node -> creators.add(node.textValue()));
    }
    return Collections.unmodifiableSet(creators);
  }

  // Absent is valid; present must be an array of strings that pass the user ID validation applied to sender.
  private static boolean additionalCreatorsValid(JsonNode additional) {
    if (additional == null) {
      return true;
    }
    if (!additional.isArray()) {
      return false;
    }
    for (JsonNode entry : additional) {
      if (!entry.isTextual() || !UserId.isValid(entry.textValue())) {
        return false;
      }
    }
    return true;
  }
}
