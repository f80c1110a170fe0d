package dev.larch.client.account;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of {@code POST /account/password} ({@code auth} is read separately). Spec: client-server API v1.11,
 * "POST /_matrix/client/v3/account/password".
 *
 * @param logoutDevices whether to log out the user's other devices; the spec's default (null) is true
 */
public record PasswordChangeRequest(
    @JsonProperty("new_password") String newPassword,
    @JsonProperty("logout_devices") Boolean logoutDevices) {
  @Override
  public String toString() {
    return "PasswordChangeRequest[logout_devices=" + logoutDevices + "]";
  }
}
