package dev.larch.core.id;

import dev.larch.core.room.RoomVersion;
import java.util.Objects;
import java.util.Optional;

/**
 * A room ID: {@code !opaque_id:domain} in room versions 1–11, or {@code !} followed by the create event's reference
 * hash (43 characters of unpadded URL-safe base64, no domain) from room version 12.
 *
 * <p>Spec: appendices, "Room IDs"; room version 12, "Event format". The opaque part of the older form may hold any
 * valid Unicode code points except {@code :} and NUL. The whole ID is at most 255 bytes of UTF-8.
 */
public record RoomId(String value) {
  /** The sigil of room IDs. */
  public static final char SIGIL = '!';

  /** Validates {@code value}; throws {@code M_INVALID_PARAM} if it is not a room ID. */
  public RoomId {
    Objects.requireNonNull(value, "value");
    if (!isValid(value)) {
      throw IdentifierGrammar.invalid("room ID", value);
    }
  }

  /** The room ID {@code value}, in either form; throws {@code M_INVALID_PARAM} if it is not one. */
  public static RoomId parse(String value) {
    return tryParse(value).orElseThrow(() -> IdentifierGrammar.invalid("room ID", value));
  }

  /** Like {@link #parse}, but empty instead of throwing. */
  public static Optional<RoomId> tryParse(String value) {
    return isValid(value) ? Optional.of(new RoomId(value)) : Optional.empty();
  }

  /** The room ID {@code value} in the form {@code version} uses; throws {@code M_INVALID_PARAM} otherwise. */
  public static RoomId parse(String value, RoomVersion version) {
    RoomId id = parse(value);
    if (!id.fits(version)) {
      throw IdentifierGrammar.invalid("room ID for room version " + version.identifier(), value);
    }
    return id;
  }

  /** Whether {@code value} is a room ID in either form. */
  public static boolean isValid(String value) {
    if (value == null || value.length() < 2 || value.charAt(0) != SIGIL || !IdentifierGrammar.withinByteLimit(value)) {
      return false;
    }
    int colon = value.indexOf(':');
    if (colon < 0) {
      return IdentifierGrammar.isUrlSafeHash(value.substring(1));
    }
    return IdentifierGrammar.isOpaqueLocalpart(value.substring(1, colon))
        && ServerName.isValid(value.substring(colon + 1));
  }

  /** The room ID of the room whose create event has ID {@code createEventId}: the same hash with sigil {@code !}. */
  public static RoomId fromCreateEventId(EventId createEventId) {
    return new RoomId(SIGIL + createEventId.value().substring(1));
  }

  /** The event ID of the create event this ID is derived from (room version 12), if it is of that form. */
  public Optional<EventId> createEventId() {
    return isCreateEventHash() ? Optional.of(new EventId(EventId.SIGIL + value.substring(1))) : Optional.empty();
  }

  /** Whether this is the room version 12 form: the create event's hash with no domain. */
  public boolean isCreateEventHash() {
    return value.indexOf(':') < 0;
  }

  /** The domain of an {@code !opaque_id:domain} ID; empty for the room version 12 form. */
  public Optional<ServerName> serverName() {
    int colon = value.indexOf(':');
    return colon < 0 ? Optional.empty() : Optional.of(new ServerName(value.substring(colon + 1)));
  }

  /** Whether this ID has the form rooms of {@code version} use. */
  public boolean fits(RoomVersion version) {
    return version.privilegedCreators() == isCreateEventHash();
  }

  @Override
  public String toString() {
    return value;
  }
}
