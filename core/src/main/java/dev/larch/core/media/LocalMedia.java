package dev.larch.core.media;

/**
 * One media ID of this server as stored: created (and maybe still pending) or uploaded.
 *
 * <p>Spec: client-server API v1.11, "Content repository" ({@code POST /media/v1/create} leaves an ID pending until
 * {@code PUT /media/v3/upload/{serverName}/{mediaId}} fills it).
 *
 * @param mediaId the ID
 * @param userId who created or uploaded it; only they may fill a pending ID
 * @param createdTs when the ID was made, ms since the epoch
 * @param expiresTs for a pending ID, when it expires unused; 0 once uploaded
 * @param uploadedTs when the content arrived, or 0 while pending
 * @param contentType the uploader's {@code Content-Type}, or null while pending
 * @param uploadName the uploader's {@code filename}, or null if none was given
 * @param length the content's length in bytes (0 while pending)
 * @param sha256 the lowercase hex SHA-256 of the content, naming its file; null while pending
 */
public record LocalMedia(
    MediaId mediaId,
    String userId,
    long createdTs,
    long expiresTs,
    long uploadedTs,
    String contentType,
    String uploadName,
    long length,
    String sha256) {

  /** Whether the content has arrived. */
  public boolean uploaded() {
    return sha256 != null;
  }

  /** Whether this is a pending ID past its expiry at {@code now}. */
  public boolean expired(long now) {
    return !uploaded() && expiresTs <= now;
  }
}
