package dev.larch.client.account;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The body of {@code POST /delete_devices} ({@code auth} is read separately). Spec: client-server API v1.11,
 * "POST /_matrix/client/v3/delete_devices".
 */
public record DeleteDevicesRequest(@JsonProperty("devices") List<String> devices) {}
