package dev.larch.core.media;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves thumbnails of uploaded local media: picks the pre-set size for the request, serves the cached thumbnail
 * of that size if there is one, else makes it, stores its bytes and caches its row; serves the original instead
 * when a thumbnail would not be smaller than it, or would be smaller than asked although the original is not.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#thumbnails">client-server API v1.11,
 * "Thumbnails"</a>: never upscale; never return less than asked unless the original makes that impossible; return
 * the original when it is smaller than the request.
 */
final class MediaThumbnails {
  private static final Logger log = LoggerFactory.getLogger(MediaThumbnails.class);

  private final MediaStore store;
  private final ContentStore content;
  private final Thumbnailer thumbnailer;

  MediaThumbnails(MediaStore store, ContentStore content, Thumbnailer thumbnailer) {
    this.store = store;
    this.content = content;
    this.thumbnailer = thumbnailer;
  }

  /**
   * The thumbnail of {@code media} for a request of {@code width} x {@code height}; {@code originalContent} gives
   * its bytes (404 if they are gone), and is only asked when the cache cannot answer.
   */
  MediaContent thumbnail(LocalMedia media, Supplier<MediaContent> originalContent, int width, int height,
      ThumbnailSize.Method method) {
    try {
      Optional<ThumbnailSize> chosen = ThumbnailSize.choose(width, height, method);
      if (chosen.isPresent()) {
        Optional<Thumbnail> cached = store.thumbnail(media.mediaId(), chosen.get());
        if (cached.isPresent() && Files.isRegularFile(content.path(cached.get().sha256()))) {
          return served(cached.get());
        }
      }
      MediaContent original = originalContent.get();
      Outcome outcome = make(original, chosen, width, height, method);
      Optional<Made> made = outcome.made();
      if (made.isEmpty()) {
        return asImage(original, outcome.info());
      }
      Thumbnail thumbnail = new Thumbnail(media.mediaId(), made.get().size(), made.get().contentType(),
          made.get().width(), made.get().height(), made.get().stored().length(), made.get().stored().sha256());
      store.putThumbnail(thumbnail);
      log.debug("thumbnail made media={} size={}x{}:{} out={}x{}", media.mediaId(), made.get().size().width(),
          made.get().size().height(), made.get().size().method().wireName(), thumbnail.width(), thumbnail.height());
      return served(thumbnail);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot thumbnail media " + media.mediaId(), e);
    }
  }

  /**
   * The thumbnail of another server's media for a request of {@code width} x {@code height}, made from its
   * {@code original} (fetched and cached like a download), under the same rules as local media. No thumbnail row is
   * kept, as those are keyed by local media ID: a repeat request scales the cached original again, and its bytes
   * land in the same content file.
   */
  MediaContent remote(MediaContent original, int width, int height, ThumbnailSize.Method method) {
    try {
      Outcome outcome = make(original, ThumbnailSize.choose(width, height, method), width, height, method);
      Optional<Made> made = outcome.made();
      if (made.isEmpty()) {
        return asImage(original, outcome.info());
      }
      StoredContent stored = made.get().stored();
      return new MediaContent(content.path(stored.sha256()), stored.length(), made.get().contentType(),
          fileName(made.get().contentType()));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot thumbnail remote media", e);
    }
  }

  /** A thumbnail made and stored in the content store. */
  private record Made(ThumbnailSize size, String contentType, int width, int height, StoredContent stored) {}

  /** What the original is, and the thumbnail made of it, if the original is not itself the answer. */
  private record Outcome(Thumbnailer.ImageInfo info, Optional<Made> made) {}

  /**
   * Makes and stores the thumbnail of {@code original} for the {@code chosen} size; none when the original itself
   * is the answer (no pre-set size fits, a thumbnail would not be smaller, or it would be smaller than asked although
   * the original is not). 400 if not an image, 413 if too many pixels.
   */
  private Outcome make(MediaContent original, Optional<ThumbnailSize> chosen, int width, int height,
      ThumbnailSize.Method method) throws IOException {
    Thumbnailer.ImageInfo info = thumbnailer.probe(original.file()); // 400 if not an image, 413 if too large
    if (chosen.isEmpty()) {
      return new Outcome(info, Optional.empty());
    }
    ThumbnailSize size = chosen.get();
    int[] out = Thumbnailer.outputSize(info.width(), info.height(), size);
    boolean noSmaller = out[0] >= info.width() && out[1] >= info.height();
    // Less than asked although the original is larger: crop must reach both dimensions, scale at least one.
    boolean shortX = out[0] < width && info.width() > out[0];
    boolean shortY = out[1] < height && info.height() > out[1];
    boolean lessThanAsked = method == ThumbnailSize.Method.CROP ? shortX || shortY : shortX && shortY;
    if (noSmaller || lessThanAsked) {
      return new Outcome(info, Optional.empty());
    }
    Thumbnailer.Made made = thumbnailer.make(original.file(), info, size);
    StoredContent stored = content.store(made.bytes());
    return new Outcome(info, Optional.of(new Made(size, made.contentType(), made.width(), made.height(), stored)));
  }

  private MediaContent served(Thumbnail thumbnail) {
    return new MediaContent(content.path(thumbnail.sha256()), thumbnail.length(), thumbnail.contentType(),
        fileName(thumbnail.contentType()));
  }

  /** The original, typed by what its bytes are (a thumbnail response must be an inline-safe image type). */
  private static MediaContent asImage(MediaContent original, Thumbnailer.ImageInfo info) {
    return new MediaContent(original.file(), original.length(), info.contentType(), fileName(info.contentType()));
  }

  private static String fileName(String contentType) {
    return contentType.equals("image/png") ? "thumbnail.png" : "thumbnail.jpg";
  }
}
