package dev.larch.core.media;

import java.util.Optional;

/**
 * The storage port of media metadata: one row per local media ID and one per cached thumbnail. Each method is one
 * transaction. The bytes live in the {@link ContentStore}, written before the row that names them.
 *
 * <p>Spec: client-server API v1.11, "Content repository".
 */
public interface MediaStore {
  /** Stores a new row (pending or uploaded); false if the ID exists already. */
  boolean insert(LocalMedia media);

  /**
   * Fills the pending ID {@code mediaId} of {@code userId} with content; false if it is not pending (already
   * uploaded, or not this user's, or unknown). The caller checks which beforehand for the error it returns.
   */
  boolean completePending(
      MediaId mediaId, String userId, String contentType, String uploadName, StoredContent content, long now);

  /** The row of {@code mediaId}, if any. */
  Optional<LocalMedia> media(MediaId mediaId);

  /** How many IDs {@code userId} has pending that have not expired at {@code now}. */
  int pendingCount(String userId, long now);

  /** Deletes pending IDs that expired before {@code now}; returns how many. */
  int deleteExpiredPending(long now);

  /** The cached thumbnail of {@code mediaId} for {@code size}, if one was made. */
  Optional<Thumbnail> thumbnail(MediaId mediaId, ThumbnailSize size);

  /** Caches {@code thumbnail}; a concurrent twin that got there first wins, which is as good. */
  void putThumbnail(Thumbnail thumbnail);
}
