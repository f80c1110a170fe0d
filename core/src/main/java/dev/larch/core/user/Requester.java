package dev.larch.core.user;

import java.util.Objects;

/**
 * Who made an authenticated client request: the user, the device the access token belongs to, and the token itself
 * (needed by {@code /logout}). {@code toString} leaves the token out so it cannot end up in a log.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#using-access-tokens">client-server API v1.11,
 * "Using access tokens"</a> and "Relationship between access tokens and devices".
 */
public record Requester(String userId, String deviceId, String accessToken) {
  public Requester {
    Objects.requireNonNull(userId, "userId");
  }

  @Override
  public String toString() {
    return "Requester[" + userId + " device=" + deviceId + "]";
  }
}
