package dev.larch.client.account;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The typed fields of {@code POST /login}; the user ({@code identifier} or legacy {@code user}) and password are
 * read by {@link dev.larch.core.user.PasswordAuth}. Spec: client-server API v1.11, "POST /_matrix/client/v3/login".
 */
public record LoginRequest(
    @JsonProperty("type") String type,
    @JsonProperty("device_id") String deviceId,
    @JsonProperty("initial_device_display_name") String initialDeviceDisplayName) {}
