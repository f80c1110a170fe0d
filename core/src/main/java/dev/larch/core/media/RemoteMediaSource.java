package dev.larch.core.media;

import dev.larch.core.error.MatrixException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where media of other servers comes from: the federation media API, once it exists. Until then {@link #NONE}
 * answers every remote media ID with 404 {@code M_NOT_FOUND} (federation media arrives with issue 7).
 *
 * <p>Spec: client-server API v1.11, "Content repository" (content is downloaded from the recipient's own server,
 * which fetches it from the origin); server-server API, "Content Repository".
 */
@FunctionalInterface
public interface RemoteMediaSource {
  /** No federation: nothing remote is found. */
  RemoteMediaSource NONE =
      (uri, timeoutMs) -> CompletableFuture.failedFuture(MatrixException.notFound("Unknown media"));

  /** The content of {@code uri}, fetched (or cached) from its origin within about {@code timeoutMs}. */
  CompletionStage<MediaContent> download(ContentUri uri, long timeoutMs);
}
