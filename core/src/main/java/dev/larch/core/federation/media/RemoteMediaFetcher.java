package dev.larch.core.federation.media;

import dev.larch.core.media.ContentUri;
import java.nio.file.Path;

/**
 * Port: downloads one piece of media from the server that owns it. The implementation tries the federation media
 * API ({@code GET /_matrix/federation/v1/media/download/{mediaId}}, signed, a {@code multipart/mixed} answer) and
 * falls back to the legacy {@code GET /_matrix/media/v3/download/{serverName}/{mediaId}?allow_remote=false}, as
 * Synapse and Dendrite do for servers that predate the former. Blocking; call from worker threads.
 *
 * <p>Spec: server-server API v1.11, "Content Repository"; client-server API v1.11, "Content repository".
 */
@FunctionalInterface
public interface RemoteMediaFetcher {
  /** What came back besides the bytes. */
  record Fetched(long length, String contentType, String fileName) {}

  /**
   * Writes the content of {@code uri} into {@code into} (an empty file) and describes it.
   *
   * @param maxBytes the most bytes to accept; a larger file fails the fetch
   * @throws dev.larch.core.federation.RemoteServerException when the origin cannot be reached, refuses (e.g. 404
   *     for unknown media), or answers with something that is not media
   */
  Fetched fetch(ContentUri uri, Path into, long maxBytes, long timeoutMs);
}
