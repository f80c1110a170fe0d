package dev.larch.client.account;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The body of {@code POST /register} ({@code auth} is read separately, as raw JSON). Spec: client-server API v1.11,
 * "POST /_matrix/client/v3/register".
 */
public record RegisterRequest(
    @JsonProperty("username") String username,
    @JsonProperty("password") String password,
    @JsonProperty("device_id") String deviceId,
    @JsonProperty("initial_device_display_name") String initialDeviceDisplayName,
    @JsonProperty("inhibit_login") Boolean inhibitLogin) {
  @Override
  public String toString() {
    return "RegisterRequest[" + username + "]";
  }
}
