package dev.larch.core.media;

import dev.larch.core.error.MatrixException;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The media ID of an {@code mxc://} URI: only {@code A-Z a-z 0-9 _ -}, so it can never name another path.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#security-considerations-5">client-server API
 * v1.11, "Content repository: Security considerations"</a>: servers MUST allow only alphanumerics, {@code _} and
 * {@code -} in the media ID (a whitelist, so percent-encoded or UTF-8 traversals cannot slip through).
 */
public record MediaId(String value) {
  /** Longer IDs are refused; ours are {@value #GENERATED_LENGTH} characters. */
  public static final int MAX_LENGTH = 255;
  static final int GENERATED_LENGTH = 24;

  private static final Pattern GRAMMAR = Pattern.compile("[A-Za-z0-9_-]{1," + MAX_LENGTH + "}");
  private static final char[] ALPHABET =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

  /** Validates {@code value}; {@code M_INVALID_PARAM} (400) if it is not a media ID. */
  public MediaId {
    Objects.requireNonNull(value, "value");
    if (!isValid(value)) {
      throw MatrixException.invalidParam("Invalid media ID");
    }
  }

  /** The media ID {@code value}; {@code M_INVALID_PARAM} if it is not one. */
  public static MediaId parse(String value) {
    if (value == null) {
      throw MatrixException.invalidParam("Invalid media ID");
    }
    return new MediaId(value);
  }

  /** Whether {@code value} fits the media ID grammar. */
  public static boolean isValid(String value) {
    return value != null && GRAMMAR.matcher(value).matches();
  }

  /** A new random ID: {@value #GENERATED_LENGTH} alphanumerics, about 143 bits. */
  public static MediaId generate(SecureRandom random) {
    char[] id = new char[GENERATED_LENGTH];
    for (int i = 0; i < id.length; i++) {
      id[i] = ALPHABET[random.nextInt(ALPHABET.length)];
    }
    return new MediaId(new String(id));
  }

  @Override
  public String toString() {
    return value;
  }
}
