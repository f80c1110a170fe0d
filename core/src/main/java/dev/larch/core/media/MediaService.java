package dev.larch.core.media;

import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.id.ServerName;
import dev.larch.core.ratelimit.RateLimiter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content repository: uploads (direct, and asynchronous through {@code /create}), downloads and thumbnails of
 * this server's media. Other servers' media goes to a {@link RemoteMediaSource}.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#content-repository">client-server API v1.11,
 * "Content repository"</a>.
 *
 * <p>An upload is made durable in this order: (1) the HTTP layer writes the body to a temporary file of the
 * {@link ContentStore}; (2) {@link ContentStore#commit} hashes it, forces it to disk and moves it under its hash;
 * (3) only then the row naming it is committed. A crash in between leaves at most an unreferenced file, never a
 * row without its bytes, and a pending ID only becomes visible as uploaded when its content is complete, so
 * nobody is ever served part of an upload.
 */
public final class MediaService {
  private static final Logger log = LoggerFactory.getLogger(MediaService.class);
  private static final String OCTET_STREAM = "application/octet-stream";
  /** {@code type/subtype} with optional parameters, in printable ASCII: anything else is served as octet-stream. */
  private static final Pattern CONTENT_TYPE =
      Pattern.compile("[A-Za-z0-9!#$&^_.+-]+/[A-Za-z0-9!#$&^_.+-]+(\\s*;[\\x20-\\x7e]*)?");
  private static final int MAX_FILE_NAME = 255;

  private final MediaStore store;
  private final ContentStore content;
  private final MediaSettings settings;
  private final ServerName serverName;
  private final RemoteMediaSource remote;
  private final Clock clock;
  private final SecureRandom random;
  private final Executor blocking;
  private final RateLimiter createLimiter;
  private final UploadWaiters waiters = new UploadWaiters();
  private final MediaThumbnails thumbnails;

  /**
   * @param blocking where work resumes after waiting for a pending upload (it reads the disk and may thumbnail)
   */
  public MediaService(MediaStore store, ContentStore content, MediaSettings settings, ServerName serverName,
      RemoteMediaSource remote, Clock clock, SecureRandom random, Executor blocking) {
    this.store = Objects.requireNonNull(store, "store");
    this.content = Objects.requireNonNull(content, "content");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.serverName = Objects.requireNonNull(serverName, "serverName");
    this.remote = Objects.requireNonNull(remote, "remote");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.blocking = Objects.requireNonNull(blocking, "blocking");
    this.createLimiter = new RateLimiter(settings.createRate(), clock);
    this.thumbnails = new MediaThumbnails(store, content, new Thumbnailer(settings.maxThumbnailPixels()));
  }

  /** The largest upload in bytes ({@code m.upload.size}). */
  public long maxUploadBytes() {
    return settings.maxUploadBytes();
  }

  /** This server's name, the authority of its {@code mxc://} URIs. */
  public ServerName serverName() {
    return serverName;
  }

  /** A new temporary file for an upload body; the caller deletes it if the upload does not reach the service. */
  public Path newUploadFile() {
    try {
      return content.newTempFile();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create an upload file", e);
    }
  }

  /**
   * {@code POST /media/v3/upload}: stores the {@code length} bytes in {@code body} (a {@link #newUploadFile}) as new
   * media of {@code userId}.
   *
   * @param contentType the request's {@code Content-Type}, or null ({@code application/octet-stream})
   * @param fileName the {@code filename} query parameter, or null
   */
  public ContentUri upload(String userId, Path body, long length, String contentType, String fileName) {
    checkLength(length);
    String type = contentType(contentType);
    String name = fileName(fileName);
    StoredContent stored = commit(body, length);
    long now = clock.millis();
    for (int attempt = 0; ; attempt++) {
      MediaId id = MediaId.generate(random);
      if (store.insert(new LocalMedia(id, userId, now, 0, now, type, name, stored.length(), stored.sha256()))) {
        log.info("media uploaded media={} user={} bytes={}", id, userId, stored.length());
        return new ContentUri(serverName, id);
      }
      if (attempt == 2) {
        throw new IllegalStateException("three random media IDs collided");
      }
    }
  }

  /** The answer of {@code POST /media/v1/create}. */
  public record Created(ContentUri contentUri, long unusedExpiresAt) {}

  /**
   * {@code POST /media/v1/create}: a new pending media ID of {@code userId}, to be filled by {@link #uploadTo}
   * before it expires. Rate limited per user, and limited in how many may be pending at once (429 either way).
   */
  public Created create(String userId) {
    createLimiter.acquire(userId);
    long now = clock.millis();
    store.deleteExpiredPending(now);
    if (store.pendingCount(userId, now) >= settings.maxPendingPerUser()) {
      throw new MatrixException(ErrorCode.LIMIT_EXCEEDED, "Too many pending uploads; finish or wait for them");
    }
    long expires = now + settings.unusedExpiryMs();
    while (true) {
      MediaId id = MediaId.generate(random);
      if (store.insert(new LocalMedia(id, userId, now, expires, 0, null, null, 0, null))) {
        return new Created(new ContentUri(serverName, id), expires);
      }
    }
  }

  /**
   * Checks that {@code userId} may fill {@code serverName}/{@code mediaId} now, before its body is read: 404
   * {@code M_NOT_FOUND} if unknown, remote or expired, 403 {@code M_FORBIDDEN} if another user created it, 409
   * {@code M_CANNOT_OVERWRITE_MEDIA} if it has content.
   */
  public void checkUploadTo(String userId, String serverName, String mediaId) {
    pendingOf(userId, local(serverName, mediaId));
  }

  /** {@code PUT /media/v3/upload/{serverName}/{mediaId}}: fills a pending ID; errors as {@link #checkUploadTo}. */
  public void uploadTo(String userId, String serverName, String mediaId, Path body, long length, String contentType,
      String fileName) {
    MediaId id = local(serverName, mediaId);
    pendingOf(userId, id);
    checkLength(length);
    String type = contentType(contentType);
    String name = fileName(fileName);
    StoredContent stored = commit(body, length);
    if (!store.completePending(id, userId, type, name, stored, clock.millis())) {
      pendingOf(userId, id); // someone else won a race: report what happened
      throw new MatrixException(ErrorCode.CANNOT_OVERWRITE_MEDIA, "Media already uploaded");
    }
    LocalMedia done = store.media(id).orElseThrow();
    log.info("media uploaded media={} user={} bytes={} async=true", id, userId, stored.length());
    waiters.uploaded(done);
  }

  /**
   * {@code GET /media/download/{serverName}/{mediaId}}: the content, once uploaded. A pending ID is waited for up
   * to {@code timeoutMs} (capped), then 504 {@code M_NOT_YET_UPLOADED}; unknown or expired IDs are 404.
   */
  public CompletionStage<MediaContent> download(String serverName, String mediaId, long timeoutMs) {
    ContentUri uri = uri(serverName, mediaId);
    if (!uri.serverName().equals(this.serverName)) {
      return remote.download(uri, Math.min(timeoutMs, settings.maxTimeoutMs()));
    }
    return whenUploaded(uri.mediaId(), timeoutMs, this::contentOf);
  }

  /**
   * {@code GET /media/thumbnail/{serverName}/{mediaId}}: a thumbnail of at least {@code width} x {@code height}
   * (or the original, when it is no larger), waiting for pending uploads like {@link #download}. Not an image: 400
   * {@code M_UNKNOWN}; too many pixels: 413 {@code M_TOO_LARGE}. Another server's media is fetched like a
   * {@link #download} (its errors likewise) and thumbnailed here.
   */
  public CompletionStage<MediaContent> thumbnail(String serverName, String mediaId, int width, int height,
      ThumbnailSize.Method method, long timeoutMs) {
    if (width < 1 || height < 1) {
      throw MatrixException.invalidParam("width and height must be positive");
    }
    ContentUri uri = uri(serverName, mediaId);
    if (!uri.serverName().equals(this.serverName)) {
      // The original is fetched and cached as a download would be, then thumbnailed here: every server can scale
      // an image, while the origin's thumbnail endpoint is missing on some and adds a second fetch per size.
      return remote.download(uri, Math.min(timeoutMs, settings.maxTimeoutMs()))
          .thenApplyAsync(original -> thumbnails.remote(original, width, height, method), blocking);
    }
    return whenUploaded(uri.mediaId(), timeoutMs,
        media -> thumbnails.thumbnail(media, () -> contentOf(media), width, height, method));
  }

  /** How many downloads and thumbnails are waiting for pending uploads right now. */
  public int waitingDownloads() {
    return waiters.size();
  }

  private <T> CompletionStage<T> whenUploaded(MediaId id, long timeoutMs, Function<LocalMedia, T> then) {
    long now = clock.millis();
    LocalMedia media = known(store.media(id), now);
    if (media.uploaded()) {
      return CompletableFuture.completedFuture(then.apply(media));
    }
    long timeout = Math.max(0, Math.min(timeoutMs, settings.maxTimeoutMs()));
    if (timeout == 0) {
      return CompletableFuture.failedFuture(notYetUploaded());
    }
    CompletableFuture<LocalMedia> waiter = waiters.register(id);
    // Read again now that we are registered, so an upload finishing in between is not missed.
    LocalMedia again = known(store.media(id), now);
    if (again.uploaded()) {
      waiters.cancel(id, waiter);
      return CompletableFuture.completedFuture(then.apply(again));
    }
    return waiter.orTimeout(timeout, TimeUnit.MILLISECONDS)
        .handle((uploaded, error) -> {
          if (error != null) {
            waiters.cancel(id, waiter);
            throw error instanceof TimeoutException ? notYetUploaded() : new CompletionException(error);
          }
          return uploaded;
        })
        .thenApplyAsync(then, blocking);
  }

  private static LocalMedia known(Optional<LocalMedia> media, long now) {
    if (media.isEmpty() || media.get().expired(now)) {
      throw MatrixException.notFound("Unknown media");
    }
    return media.get();
  }

  private static MatrixException notYetUploaded() {
    return new MatrixException(ErrorCode.NOT_YET_UPLOADED, "Content has not yet been uploaded");
  }

  private MediaContent contentOf(LocalMedia media) {
    Path file = content.path(media.sha256());
    if (!Files.isRegularFile(file)) {
      log.error("media file missing media={} sha256={}", media.mediaId(), media.sha256());
      throw MatrixException.notFound("Unknown media");
    }
    return new MediaContent(file, media.length(), media.contentType(), media.uploadName());
  }

  private LocalMedia pendingOf(String userId, MediaId id) {
    LocalMedia media = known(store.media(id), clock.millis());
    if (!media.userId().equals(userId)) {
      throw MatrixException.forbidden("This media ID was created by another user");
    }
    if (media.uploaded()) {
      throw new MatrixException(ErrorCode.CANNOT_OVERWRITE_MEDIA, "Media already uploaded");
    }
    return media;
  }

  private MediaId local(String serverName, String mediaId) {
    ContentUri uri = uri(serverName, mediaId);
    if (!uri.serverName().equals(this.serverName)) {
      throw MatrixException.notFound("Unknown media");
    }
    return uri.mediaId();
  }

  private static ContentUri uri(String serverName, String mediaId) {
    return new ContentUri(ServerName.parse(serverName), MediaId.parse(mediaId));
  }

  private void checkLength(long length) {
    if (length > settings.maxUploadBytes()) {
      throw MatrixException.tooLarge("Cannot upload files larger than " + settings.maxUploadBytes() + " bytes");
    }
  }

  private StoredContent commit(Path body, long length) {
    StoredContent stored;
    try {
      stored = content.commit(body);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot store an upload", e);
    }
    if (stored.length() != length) {
      // The HTTP layer counted differently from the file: our bug, never the client's.
      throw new IllegalStateException("upload length " + length + " but stored " + stored.length());
    }
    return stored;
  }

  /** The type to store: what the client sent if it looks like a media type, else {@code application/octet-stream}. */
  static String contentType(String contentType) {
    if (contentType == null) {
      return OCTET_STREAM;
    }
    String type = contentType.strip();
    return type.length() <= 255 && CONTENT_TYPE.matcher(type).matches() ? type : OCTET_STREAM;
  }

  private static String fileName(String fileName) {
    if (fileName == null || fileName.isEmpty()) {
      return null;
    }
    if (fileName.length() > MAX_FILE_NAME || fileName.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw MatrixException.invalidParam("filename must be at most 255 characters, without control characters");
    }
    return fileName;
  }
}
