package dev.larch.core.media;

/**
 * A generated thumbnail of local media, cached per (media, width, height, method) of the size it was made for.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#thumbnails">client-server API v1.11,
 * "Thumbnails"</a>.
 *
 * @param mediaId the original's ID
 * @param size the pre-set size it was made for (the cache key with the ID)
 * @param contentType {@code image/png} or {@code image/jpeg}
 * @param width the thumbnail's actual width in pixels
 * @param height the thumbnail's actual height in pixels
 * @param length its length in bytes
 * @param sha256 the lowercase hex SHA-256 of its bytes, naming its file
 */
public record Thumbnail(
    MediaId mediaId, ThumbnailSize size, String contentType, int width, int height, long length, String sha256) {}
