package dev.larch.core.id;

import dev.larch.core.error.MatrixException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.function.BiFunction;

/**
 * The grammar pieces shared by several identifiers (spec: appendices, "Common Identifier Format").
 *
 * <p>Package-private: callers use the identifier records.
 */
final class IdentifierGrammar {
  /** "The length of a [user ID | room ID | room alias | event ID], including the sigil and the domain, MUST NOT
   * exceed 255 bytes." */
  static final int MAX_IDENTIFIER_BYTES = 255;

  /** Length of 32 bytes (a SHA-256 reference hash) in unpadded base64. */
  static final int HASH_BASE64_LENGTH = 43;

  private IdentifierGrammar() {}

  static MatrixException invalid(String what, String value) {
    // Keep the offending value out of the message when it is huge; the caller already has it.
    String shown = value == null ? "null" : value.length() > 64 ? value.substring(0, 64) + "…" : value;
    return MatrixException.invalidParam("Invalid " + what + ": " + shown);
  }

  static boolean withinByteLimit(String value) {
    // Cheap bound first: a UTF-8 encoding is never shorter than the number of chars.
    return value.length() <= MAX_IDENTIFIER_BYTES
        && value.getBytes(StandardCharsets.UTF_8).length <= MAX_IDENTIFIER_BYTES;
  }

  /**
   * Whether {@code localpart} is an opaque localpart of the lenient kind: any valid (non-surrogate) Unicode code
   * points except {@code :} and NUL.
   */
  static boolean isOpaqueLocalpart(String localpart) {
    return localpart.indexOf(':') < 0 && isNulFreeUnicode(localpart);
  }

  /**
   * Whether {@code text} holds no NUL and no unpaired surrogate; unpaired surrogates have no UTF-8 encoding, and
   * identifiers must be valid UTF-8.
   */
  static boolean isNulFreeUnicode(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\0') {
        return false;
      }
      if (Character.isHighSurrogate(c)) {
        if (i + 1 >= text.length() || !Character.isLowSurrogate(text.charAt(i + 1))) {
          return false;
        }
        i++;
      } else if (Character.isLowSurrogate(c)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code value} is exactly a 32-byte hash in unpadded URL-safe base64 (43 characters). */
  static boolean isUrlSafeHash(String value) {
    return isHash(value, true);
  }

  /** Whether {@code value} is exactly a 32-byte hash in unpadded standard base64 (43 characters). */
  static boolean isStandardHash(String value) {
    return isHash(value, false);
  }

  private static boolean isHash(String value, boolean urlSafe) {
    if (value.length() != HASH_BASE64_LENGTH) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean alnum = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
      boolean extra = urlSafe ? (c == '-' || c == '_') : (c == '+' || c == '/');
      if (!alnum && !extra) {
        return false;
      }
    }
    return true;
  }

  /**
   * Checks the parts of a {@code <sigil>localpart:domain} identifier (user IDs, room aliases): an opaque localpart
   * and at most 255 bytes in all. Throws {@code M_INVALID_PARAM} naming {@code what} otherwise.
   */
  static void requireSigilledParts(char sigil, String localpart, ServerName serverName, String what) {
    if (!isOpaqueLocalpart(localpart)) {
      throw invalid(what + " localpart", localpart);
    }
    if (!withinByteLimit(sigil + localpart + ":" + serverName.value())) {
      throw invalid(what + " (longer than 255 bytes)", localpart);
    }
  }

  /**
   * Splits {@code <sigil>localpart:domain} at the first colon (a localpart has none) and builds the identifier from
   * its parts, or empty if {@code value} has another shape.
   */
  static <T> Optional<T> parseSigilled(String value, char sigil, BiFunction<String, ServerName, T> make) {
    if (value == null || value.isEmpty() || value.charAt(0) != sigil || !withinByteLimit(value)) {
      return Optional.empty();
    }
    int colon = value.indexOf(':');
    if (colon < 0) {
      return Optional.empty();
    }
    String localpart = value.substring(1, colon);
    if (!isOpaqueLocalpart(localpart)) {
      return Optional.empty();
    }
    return ServerName.tryParse(value.substring(colon + 1)).map(server -> make.apply(localpart, server));
  }
}
