package dev.larch.core.federation.media;

import dev.larch.core.error.MatrixException;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.federation.query.RemoteErrors;
import dev.larch.core.media.ContentStore;
import dev.larch.core.media.ContentUri;
import dev.larch.core.media.MediaContent;
import dev.larch.core.media.RemoteMediaSource;
import dev.larch.core.media.StoredContent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RemoteMediaSource} over federation: media of another server is fetched from it once
 * ({@link RemoteMediaFetcher}), stored in the local {@link ContentStore} like an upload (hashed, fsynced, moved in
 * place before the row naming it commits) and served from there afterwards. Concurrent downloads of one URI share
 * one fetch.
 *
 * <p>Spec: client-server API v1.11, "Content repository" ("the homeserver ... SHOULD cache remote content"). A
 * remote refusal is answered as the remote made it ({@code M_NOT_FOUND} for unknown media), a remote failure as
 * 502 ({@link RemoteErrors}).
 */
public final class RemoteMediaCache implements RemoteMediaSource {
  private static final Logger log = LoggerFactory.getLogger(RemoteMediaCache.class);

  private final RemoteMediaStore store;
  private final ContentStore content;
  private final RemoteMediaFetcher fetcher;
  private final long maxBytes;
  private final Clock clock;
  private final Executor blocking;
  private final Map<ContentUri, CompletableFuture<MediaContent>> inFlight = new ConcurrentHashMap<>();

  /**
   * @param maxBytes the largest remote file accepted (the local upload limit is a fair choice)
   * @param blocking where fetches and disk reads run
   */
  public RemoteMediaCache(RemoteMediaStore store, ContentStore content, RemoteMediaFetcher fetcher, long maxBytes,
      Clock clock, Executor blocking) {
    this.store = store;
    this.content = content;
    this.fetcher = fetcher;
    this.maxBytes = maxBytes;
    this.clock = clock;
    this.blocking = blocking;
  }

  @Override
  public CompletionStage<MediaContent> download(ContentUri uri, long timeoutMs) {
    CompletableFuture<MediaContent> mine = new CompletableFuture<>();
    CompletableFuture<MediaContent> running = inFlight.putIfAbsent(uri, mine);
    if (running != null) {
      return running;
    }
    CompletableFuture.runAsync(() -> {
      try {
        mine.complete(load(uri, timeoutMs));
      } catch (RuntimeException e) {
        mine.completeExceptionally(e);
      } finally {
        inFlight.remove(uri, mine);
      }
    }, blocking);
    return mine;
  }

  // Blocking: the cached copy, or a fresh fetch.
  private MediaContent load(ContentUri uri, long timeoutMs) {
    String server = uri.serverName().value();
    Optional<RemoteMediaStore.CachedMedia> cached = store.get(server, uri.mediaId());
    if (cached.isPresent() && Files.isRegularFile(content.path(cached.get().sha256()))) {
      return contentOf(cached.get());
    }
    Path temp;
    try {
      temp = content.newTempFile();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a file for remote media", e);
    }
    try {
      RemoteMediaFetcher.Fetched fetched;
      try {
        fetched = fetcher.fetch(uri, temp, maxBytes, timeoutMs);
      } catch (RemoteServerException e) {
        log.info("remote media fetch failed uri={} kind={} message={}", uri, e.kind(), e.getMessage());
        throw RemoteErrors.forClient(e, "fetch media " + uri);
      }
      StoredContent stored = content.commit(temp);
      RemoteMediaStore.CachedMedia media = new RemoteMediaStore.CachedMedia(server, uri.mediaId(),
          fetched.contentType() == null ? "application/octet-stream" : fetched.contentType(), fetched.fileName(),
          stored.length(), stored.sha256(), clock.millis());
      store.put(media);
      log.info("remote media cached uri={} bytes={}", uri, stored.length());
      return contentOf(media);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store remote media " + uri, e);
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        log.debug("temp file not deleted path={}", temp);
      }
    }
  }

  private MediaContent contentOf(RemoteMediaStore.CachedMedia media) {
    Path file = content.path(media.sha256());
    if (!Files.isRegularFile(file)) {
      throw MatrixException.notFound("Unknown media");
    }
    return new MediaContent(file, media.length(), media.contentType(), media.fileName());
  }
}
