package dev.larch.core.json;

/**
 * A JSON value that has no canonical encoding: a number outside ±(2^53−1), a fraction, NaN, or a string that is not
 * valid Unicode.
 *
 * <p>Spec: appendices, "Canonical JSON". API layers map it to {@code M_BAD_JSON}.
 */
public final class CanonicalJsonException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public CanonicalJsonException(String message) {
    super(message);
  }
}
