package dev.larch.core.media;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A thumbnail size and method. The server makes thumbnails only in the spec's pre-set sizes, so a request maps to
 * one of five cache entries per image rather than one per size a client can name.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#thumbnails">client-server API v1.11,
 * "Thumbnails"</a>: 32x32 crop, 96x96 crop, 320x240 scale, 640x480 scale, 800x600 scale; the requested size is the
 * minimum the client wants, so the smallest pre-set size at least as large is chosen; when none is, the original is
 * served (it is the only image at least that large, as thumbnails are never upscaled).
 *
 * @param width the box width in pixels
 * @param height the box height in pixels
 * @param method {@link Method#CROP} fills the box exactly, {@link Method#SCALE} fits inside it
 */
public record ThumbnailSize(int width, int height, Method method) {
  /** The spec's recommended sizes. */
  public static final List<ThumbnailSize> PRESETS = List.of(
      new ThumbnailSize(32, 32, Method.CROP),
      new ThumbnailSize(96, 96, Method.CROP),
      new ThumbnailSize(320, 240, Method.SCALE),
      new ThumbnailSize(640, 480, Method.SCALE),
      new ThumbnailSize(800, 600, Method.SCALE));

  /** How a thumbnail is fitted to its box. */
  public enum Method {
    /** Scale to cover the box, then cut the centre to the box's size and aspect. */
    CROP,
    /** Scale to fit inside the box, keeping the aspect. */
    SCALE;

    /** The wire name: {@code crop} or {@code scale}. */
    public String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** {@code crop} or {@code scale}; anything else is empty. */
    public static Optional<Method> fromWire(String value) {
      if ("crop".equals(value)) {
        return Optional.of(CROP);
      }
      if ("scale".equals(value)) {
        return Optional.of(SCALE);
      }
      return Optional.empty();
    }
  }

  public ThumbnailSize {
    if (width < 1 || height < 1 || method == null) {
      throw new IllegalArgumentException("a thumbnail size needs positive dimensions and a method");
    }
  }

  /**
   * The pre-set size to serve for a request of at least {@code width} x {@code height} by {@code method}: the
   * smallest of that method that is at least as large in both dimensions, else (for crop) the smallest scale size
   * that is; empty when none is, meaning the original is served.
   */
  public static Optional<ThumbnailSize> choose(int width, int height, Method method) {
    Comparator<ThumbnailSize> byArea = Comparator.comparingLong(s -> (long) s.width() * s.height());
    Optional<ThumbnailSize> same = PRESETS.stream()
        .filter(s -> s.method() == method && s.width() >= width && s.height() >= height)
        .min(byArea);
    if (same.isPresent() || method == Method.SCALE) {
      return same;
    }
    return PRESETS.stream()
        .filter(s -> s.method() == Method.SCALE && s.width() >= width && s.height() >= height)
        .min(byArea);
  }
}
