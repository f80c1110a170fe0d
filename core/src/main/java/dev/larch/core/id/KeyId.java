package dev.larch.core.id;

import java.util.Objects;
import java.util.Optional;

/**
 * A signing key identifier, {@code algorithm:version}, such as {@code ed25519:a_Bc1}.
 *
 * <p>Spec: appendices, "Signing Details" (the <em>signing key identifier</em> is the signing algorithm, a colon and
 * a key identifier); server-server API, "Publishing Keys" (the version part is {@code [a-zA-Z0-9_]}). Parsing is
 * lenient on the version part, since keys are matched by exact string; only the shape {@code algorithm:version}
 * with two non-empty parts and an algorithm without {@code :} is required.
 */
public record KeyId(String algorithm, String version) {
  /** The only signing algorithm the spec defines. */
  public static final String ED25519 = "ed25519";

  /** Validates the parts; throws {@code M_INVALID_PARAM} if either is empty or the algorithm holds a colon. */
  public KeyId {
    Objects.requireNonNull(algorithm, "algorithm");
    Objects.requireNonNull(version, "version");
    if (algorithm.isEmpty() || version.isEmpty() || algorithm.indexOf(':') >= 0) {
      throw IdentifierGrammar.invalid("key ID", algorithm + ":" + version);
    }
  }

  /** The key ID {@code value}; throws {@code M_INVALID_PARAM} if it is not one. */
  public static KeyId parse(String value) {
    return tryParse(value).orElseThrow(() -> IdentifierGrammar.invalid("key ID", value));
  }

  /** Like {@link #parse}, but empty instead of throwing. */
  public static Optional<KeyId> tryParse(String value) {
    if (value == null) {
      return Optional.empty();
    }
    int colon = value.indexOf(':');
    if (colon <= 0 || colon == value.length() - 1) {
      return Optional.empty();
    }
    return Optional.of(new KeyId(value.substring(0, colon), value.substring(colon + 1)));
  }

  /** Whether this key uses the {@code ed25519} algorithm. */
  public boolean isEd25519() {
    return ED25519.equals(algorithm);
  }

  /** The wire form, {@code algorithm:version}. */
  @Override
  public String toString() {
    return algorithm + ":" + version;
  }
}
