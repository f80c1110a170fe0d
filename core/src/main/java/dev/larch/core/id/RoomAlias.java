package dev.larch.core.id;

import java.util.Objects;
import java.util.Optional;

/**
 * A room alias, {@code #room_alias:domain}.
 *
 * <p>Spec: appendices, "Room Aliases": the localpart may hold any valid Unicode code points except {@code :} and
 * NUL, and the whole alias is at most 255 bytes of UTF-8.
 */
public record RoomAlias(String localpart, ServerName serverName) {
  /** The sigil of room aliases. */
  public static final char SIGIL = '#';

  /** Validates the parts; throws {@code M_INVALID_PARAM} if they do not form an alias. */
  public RoomAlias {
    Objects.requireNonNull(localpart, "localpart");
    Objects.requireNonNull(serverName, "serverName");
    IdentifierGrammar.requireSigilledParts(SIGIL, localpart, serverName, "room alias");
  }

  /** The room alias {@code value}; throws {@code M_INVALID_PARAM} if it is not one. */
  public static RoomAlias parse(String value) {
    return tryParse(value).orElseThrow(() -> IdentifierGrammar.invalid("room alias", value));
  }

  /** Like {@link #parse}, but empty instead of throwing. */
  public static Optional<RoomAlias> tryParse(String value) {
    return IdentifierGrammar.parseSigilled(value, SIGIL, RoomAlias::new);
  }

  /** The wire form, {@code #localpart:domain}. */
  @Override
  public String toString() {
    return SIGIL + localpart + ":" + serverName.value();
  }
}
