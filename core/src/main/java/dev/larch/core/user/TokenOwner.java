package dev.larch.core.user;

/**
 * Whom an access token authenticates. Spec: client-server API, "Using access tokens".
 *
 * @param expiresAtMs when the token expires, or 0 for never
 */
public record TokenOwner(String userId, String deviceId, long expiresAtMs) {
  /** Whether the token has expired at {@code nowMs}. */
  public boolean expiredAt(long nowMs) {
    return expiresAtMs != 0 && nowMs >= expiresAtMs;
  }
}
