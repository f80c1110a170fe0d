package dev.larch.core.user;

/**
 * What {@code POST /register} asks for. Spec: client-server API v1.11, "POST /_matrix/client/v3/register".
 *
 * @param username the wanted localpart, or null for a generated one
 * @param password the password, or null for an account without password login
 * @param deviceId the device to log in as, or null for a new one
 * @param initialDeviceDisplayName the new device's name, or null
 * @param inhibitLogin true to create the account without logging in
 */
public record Registration(
    String username, String password, String deviceId, String initialDeviceDisplayName, boolean inhibitLogin) {
  @Override
  public String toString() {
    return "Registration[" + username + " device=" + deviceId + "]";
  }
}
