package dev.larch.core.federation.media;

import dev.larch.core.media.MediaId;
import java.util.Optional;

/**
 * Port: which media of other servers this server has cached, and where the bytes are (in the
 * {@link dev.larch.core.media.ContentStore}, by SHA-256). Every method is one transaction.
 */
public interface RemoteMediaStore {
  /**
   * One cached piece of remote media.
   *
   * @param serverName the server whose {@code mxc://} URI it is
   * @param contentType the type the origin served it as
   * @param fileName the origin's file name, or null
   * @param sha256 the lowercase hex SHA-256 naming its file
   * @param fetchedTs when it was fetched, ms since the epoch
   */
  record CachedMedia(String serverName, MediaId mediaId, String contentType, String fileName, long length,
      String sha256, long fetchedTs) {}

  Optional<CachedMedia> get(String serverName, MediaId mediaId);

  /** Records {@code media}; a concurrent twin that got there first wins, which is as good. */
  void put(CachedMedia media);
}
