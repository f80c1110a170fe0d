package dev.larch.core.user;

/**
 * An {@code m.login.password} login. Spec: client-server API v1.11, "POST /_matrix/client/v3/login".
 *
 * @param user the user: a localpart or a full user ID (from {@code identifier.user} or the legacy {@code user})
 * @param password the password
 * @param deviceId the device to log in as (reused if it exists), or null for a new one
 * @param initialDeviceDisplayName a new device's name, or null
 */
public record PasswordLogin(String user, String password, String deviceId, String initialDeviceDisplayName) {
  @Override
  public String toString() {
    return "PasswordLogin[" + user + " device=" + deviceId + "]";
  }
}
