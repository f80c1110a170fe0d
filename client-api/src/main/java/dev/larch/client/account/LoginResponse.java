package dev.larch.client.account;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/**
 * The answer to a login or registration; {@code access_token} and {@code device_id} are absent when registration
 * inhibited login. Spec: client-server API v1.11, "POST /login" and "POST /register" responses.
 *
 * @param homeServer deprecated by the spec but still read by old clients
 * @param wellKnown discovery information, when a public base URL is configured
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LoginResponse(
    @JsonProperty("user_id") String userId,
    @JsonProperty("access_token") String accessToken,
    @JsonProperty("device_id") String deviceId,
    @JsonProperty("home_server") String homeServer,
    @JsonProperty("well_known") Map<String, Object> wellKnown) {
  @Override
  public String toString() {
    return "LoginResponse[" + userId + " device=" + deviceId + "]";
  }
}
