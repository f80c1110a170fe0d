package dev.larch.client.account;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import dev.larch.core.user.Device;

/**
 * One device as {@code GET /devices} shows it ({@code last_seen_ip} is not recorded). Spec: client-server API v1.11,
 * "Device management", the {@code Device} object.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record DeviceResponse(
    @JsonProperty("device_id") String deviceId,
    @JsonProperty("display_name") String displayName,
    @JsonProperty("last_seen_ts") Long lastSeenTs) {

  static DeviceResponse of(Device device) {
    return new DeviceResponse(device.deviceId(), device.displayName(), device.lastSeenAtMs());
  }
}
