package dev.larch.core.user;

/**
 * One of a user's devices. Spec: client-server API, "Device management" ({@code GET /devices}).
 *
 * @param displayName the name the user gave it, or null
 * @param lastSeenAtMs when it was last used to log in or refreshed, ms since the epoch
 */
public record Device(String userId, String deviceId, String displayName, long createdAtMs, long lastSeenAtMs) {}
