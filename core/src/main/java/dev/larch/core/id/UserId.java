package dev.larch.core.id;

import java.util.Objects;
import java.util.Optional;

/**
 * A Matrix user ID, {@code @localpart:domain}.
 *
 * <p>Spec: appendices, "User Identifiers" and "Historical User IDs". Three grades exist:
 *
 * <ul>
 *   <li>the current grammar, which a server uses when it allocates a new ID ({@link #parseNew}): a non-empty
 *       localpart of {@code a-z 0-9 . _ = - / +};
 *   <li><em>compliant</em> historical IDs ({@link #isCompliant()}): a non-empty localpart of printable ASCII
 *       (U+0021–U+007E) except {@code :};
 *   <li>non-compliant historical IDs: any valid Unicode code points except {@code :} and NUL, including the empty
 *       localpart. Servers MUST still accept these in events, so {@link #parse} accepts them; callers decide with
 *       {@link #isCompliant()} whether to forward them to clients outside an event.
 * </ul>
 *
 * <p>The whole ID, sigil and domain included, is at most 255 bytes of UTF-8.
 */
public record UserId(String localpart, ServerName serverName) {
  /** The sigil of user IDs. */
  public static final char SIGIL = '@';

  /** Validates the parts with the historical leniency; throws {@code M_INVALID_PARAM} if they do not form an ID. */
  public UserId {
    Objects.requireNonNull(localpart, "localpart");
    Objects.requireNonNull(serverName, "serverName");
    IdentifierGrammar.requireSigilledParts(SIGIL, localpart, serverName, "user ID");
  }

  /**
   * Parses an existing user ID, accepting historical localparts as the spec requires for IDs seen in events and
   * over federation. Throws {@code M_INVALID_PARAM} if {@code value} is not a user ID.
   */
  public static UserId parse(String value) {
    return tryParse(value).orElseThrow(() -> IdentifierGrammar.invalid("user ID", value));
  }

  /** Like {@link #parse}, but empty instead of throwing. */
  public static Optional<UserId> tryParse(String value) {
    return IdentifierGrammar.parseSigilled(value, SIGIL, UserId::new);
  }

  /** Whether {@code value} is a user ID, historical forms included. */
  public static boolean isValid(String value) {
    return tryParse(value).isPresent();
  }

  /**
   * Parses a user ID this server is about to allocate, which must follow the current grammar (no historical
   * characters). Throws {@code M_INVALID_PARAM} otherwise.
   */
  public static UserId parseNew(String value) {
    UserId id = parse(value);
    if (!id.followsCurrentGrammar()) {
      throw IdentifierGrammar.invalid("user ID (localpart must be a-z, 0-9, . _ = - / +)", value);
    }
    return id;
  }

  /**
   * Whether {@code localpart} fits the current grammar: {@code user_id_localpart = 1*user_id_char}, where
   * {@code user_id_char} is a digit, {@code a-z}, or one of {@code - . = _ / +}.
   */
  public static boolean isValidNewLocalpart(String localpart) {
    if (localpart == null || localpart.isEmpty()) {
      return false;
    }
    for (int i = 0; i < localpart.length(); i++) {
      char c = localpart.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '.'
              || c == '='
              || c == '_'
              || c == '/'
              || c == '+';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Whether the localpart follows the current grammar, i.e. this is not a historical ID. */
  public boolean followsCurrentGrammar() {
    return isValidNewLocalpart(localpart);
  }

  /**
   * Whether the ID is compliant: its localpart is non-empty and made only of printable ASCII (U+0021 to U+007E).
   * Non-compliant IDs are accepted in events but SHOULD NOT be forwarded to clients outside an event.
   */
  public boolean isCompliant() {
    if (localpart.isEmpty()) {
      return false;
    }
    for (int i = 0; i < localpart.length(); i++) {
      char c = localpart.charAt(i);
      if (c < 0x21 || c > 0x7E) {
        return false;
      }
    }
    return true;
  }

  /** The wire form, {@code @localpart:domain}. */
  @Override
  public String toString() {
    return SIGIL + localpart + ":" + serverName.value();
  }
}
