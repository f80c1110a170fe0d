package dev.larch.core.media;

/**
 * Bytes in the {@link ContentStore}: named by their SHA-256 (lowercase hex), with their length.
 *
 * <p>Spec: client-server API v1.11, "Content repository".
 */
public record StoredContent(String sha256, long length) {}
