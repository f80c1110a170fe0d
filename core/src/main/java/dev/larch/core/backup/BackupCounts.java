package dev.larch.core.backup;

/**
 * The {@code etag} and {@code count} of a backup after a change of its keys.
 *
 * <p>Spec: client-server API v1.11, "Server-side key backups" ({@code RoomKeysUpdateResponse}).
 */
public record BackupCounts(String etag, long count) {}
