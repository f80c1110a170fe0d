package dev.larch.client.account;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The body of {@code PUT /devices/{deviceId}}. Spec: client-server API v1.11, "Device management". */
public record DeviceUpdateRequest(@JsonProperty("display_name") String displayName) {}
