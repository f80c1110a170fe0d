package dev.larch.core.user;

/**
 * The result of a registration or login. Spec: client-server API v1.11, "POST /register", "POST /login".
 *
 * @param userId the full user ID
 * @param accessToken the new access token, or null when registration inhibited login
 * @param deviceId the device the token belongs to, or null when registration inhibited login
 */
public record LoginSession(String userId, String accessToken, String deviceId) {
  @Override
  public String toString() {
    return "LoginSession[" + userId + " device=" + deviceId + "]";
  }
}
