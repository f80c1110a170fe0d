package dev.larch.core.id;

import dev.larch.core.room.RoomVersion;
import java.util.Objects;
import java.util.Optional;

/**
 * An event ID, {@code $opaque_id}; its exact form depends on the room version.
 *
 * <p>Spec: appendices, "Event IDs"; room versions, "Event IDs": versions 1–2 use {@code $opaque_id:domain} chosen
 * by the origin; version 3 uses {@code $} + the reference hash in unpadded standard base64; versions 4 and later the
 * URL-safe alphabet. Without a room version, {@link #parse(String)} accepts any of these shapes: a {@code $}, at
 * least one more character, no NUL, and at most 255 bytes of UTF-8.
 */
public record EventId(String value) {
  /** The sigil of event IDs. */
  public static final char SIGIL = '$';

  /** Validates {@code value}; throws {@code M_INVALID_PARAM} if it is not an event ID. */
  public EventId {
    Objects.requireNonNull(value, "value");
    if (!isValid(value)) {
      throw IdentifierGrammar.invalid("event ID", value);
    }
  }

  /** The event ID {@code value} of any room version; throws {@code M_INVALID_PARAM} if it is not one. */
  public static EventId parse(String value) {
    return tryParse(value).orElseThrow(() -> IdentifierGrammar.invalid("event ID", value));
  }

  /** Like {@link #parse(String)}, but empty instead of throwing. */
  public static Optional<EventId> tryParse(String value) {
    return isValid(value) ? Optional.of(new EventId(value)) : Optional.empty();
  }

  /** The event ID {@code value} in the format of {@code version}; throws {@code M_INVALID_PARAM} otherwise. */
  public static EventId parse(String value, RoomVersion version) {
    EventId id = parse(value);
    if (!id.fits(version)) {
      throw IdentifierGrammar.invalid("event ID for room version " + version.identifier(), value);
    }
    return id;
  }

  /** Whether {@code value} is an event ID of some room version. */
  public static boolean isValid(String value) {
    return value != null
        && value.length() >= 2
        && value.charAt(0) == SIGIL
        && IdentifierGrammar.withinByteLimit(value)
        && IdentifierGrammar.isNulFreeUnicode(value);
  }

  /** Whether this ID has the format of {@code version}'s event IDs. */
  public boolean fits(RoomVersion version) {
    String rest = value.substring(1);
    return switch (version.eventIdFormat()) {
      case V1_LOCAL -> {
        int colon = rest.indexOf(':');
        yield colon > 0 && ServerName.isValid(rest.substring(colon + 1));
      }
      case V3_BASE64 -> IdentifierGrammar.isStandardHash(rest);
      case V4_URL_SAFE -> IdentifierGrammar.isUrlSafeHash(rest);
    };
  }

  /** The domain of a room version 1–2 style {@code $opaque_id:domain} ID, if it has a valid one. */
  public Optional<ServerName> serverName() {
    int colon = value.indexOf(':');
    return colon < 0 ? Optional.empty() : ServerName.tryParse(value.substring(colon + 1));
  }

  @Override
  public String toString() {
    return value;
  }
}
