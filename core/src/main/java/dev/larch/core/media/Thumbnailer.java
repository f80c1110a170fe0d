package dev.larch.core.media;

import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Makes PNG and JPEG thumbnails with the JDK's image I/O: JPEG in gives JPEG out, PNG in gives PNG out (alpha
 * kept). Never upscales.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#thumbnails">client-server API v1.11,
 * "Thumbnails"</a> and "Security considerations" (images too large to thumbnail are 413 {@code M_TOO_LARGE}).
 *
 * <p>Implementation notes: decompression bombs are stopped before decoding. The dimensions come from the image
 * header ({@link ImageReader#getWidth}), and anything over {@code maxPixels} is refused. Decoding then reads
 * with source subsampling, so a large image is never held at full size when the thumbnail is small: the decoder
 * keeps every {@code s}-th pixel, leaving at least twice the thumbnail's resolution. An area-averaging box filter
 * (in premultiplied alpha, so transparent pixels do not darken edges) takes it the rest of the way. No AWT
 * {@code Graphics} is used, so nothing needs a display. Blocking and CPU-bound: worker threads only.
 */
public final class Thumbnailer {
  static {
    ImageIO.setUseCache(false); // decode in memory, not through temporary files in java.io.tmpdir
  }

  private final long maxPixels;

  /** @param maxPixels the largest image (width x height, from its header) that is thumbnailed at all */
  public Thumbnailer(long maxPixels) {
    this.maxPixels = maxPixels;
  }

  /** An image's format ({@code png} or {@code jpeg}) and dimensions, read from its header. */
  public record ImageInfo(String format, int width, int height) {
    /** {@code image/png} or {@code image/jpeg}. */
    public String contentType() {
      return "image/" + format;
    }
  }

  /** A made thumbnail: its bytes, content type and dimensions. */
  public record Made(byte[] bytes, String contentType, int width, int height) {}

  /**
   * The format and dimensions of the image in {@code file}.
   *
   * @throws MatrixException 400 {@code M_UNKNOWN} if it is not a PNG or JPEG image; 413 {@code M_TOO_LARGE} if it
   *     has more than {@code maxPixels} pixels
   */
  public ImageInfo probe(Path file) throws IOException {
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      ImageReader reader = reader(in);
      try {
        reader.setInput(in, true, true);
        ImageInfo info = new ImageInfo(format(reader), reader.getWidth(0), reader.getHeight(0));
        checkPixels(info.width(), info.height());
        return info;
      } catch (IOException | RuntimeException e) {
        throw rethrowAsCannotThumbnail(e);
      } finally {
        reader.dispose();
      }
    }
  }

  /**
   * The output dimensions of a thumbnail of a {@code width} x {@code height} image for {@code size}: scale fits
   * inside the box, crop fills it (both never larger than the original).
   */
  public static int[] outputSize(int width, int height, ThumbnailSize size) {
    double factor = factor(width, height, size);
    if (size.method() == ThumbnailSize.Method.SCALE) {
      return new int[] {clamp(Math.round(width * factor), width), clamp(Math.round(height * factor), height)};
    }
    return new int[] {
      Math.min(size.width(), clamp(Math.round(width * factor), width)),
      Math.min(size.height(), clamp(Math.round(height * factor), height))
    };
  }

  /**
   * Makes the thumbnail of the image {@code info} in {@code file} for {@code size}.
   *
   * @throws MatrixException 400 {@code M_UNKNOWN} if the image cannot be decoded
   */
  public Made make(Path file, ImageInfo info, ThumbnailSize size) throws IOException {
    int ow = info.width();
    int oh = info.height();
    checkPixels(ow, oh);
    int[] out = outputSize(ow, oh, size);
    double factor = factor(ow, oh, size);
    // The source region that becomes the thumbnail: all of it for scale, the centre for crop.
    int rw = size.method() == ThumbnailSize.Method.SCALE ? ow : clamp(Math.round(out[0] / factor), ow);
    int rh = size.method() == ThumbnailSize.Method.SCALE ? oh : clamp(Math.round(out[1] / factor), oh);
    int subsampling = (int) Math.max(1, Math.min(rw / (2L * out[0]), rh / (2L * out[1])));
    BufferedImage image;
    boolean alpha;
    try (ImageInputStream in = ImageIO.createImageInputStream(file.toFile())) {
      ImageReader reader = reader(in);
      try {
        reader.setInput(in, true, true);
        ImageReadParam param = reader.getDefaultReadParam();
        param.setSourceSubsampling(subsampling, subsampling, 0, 0);
        image = reader.read(0, param);
        alpha = image.getColorModel().hasAlpha();
      } catch (IOException | RuntimeException e) {
        throw rethrowAsCannotThumbnail(e);
      } finally {
        reader.dispose();
      }
    }
    int iw = image.getWidth();
    int ih = image.getHeight();
    int regionW = Math.max(1, Math.min(iw, (int) Math.round((double) rw * iw / ow)));
    int regionH = Math.max(1, Math.min(ih, (int) Math.round((double) rh * ih / oh)));
    int[] pixels = image.getRGB((iw - regionW) / 2, (ih - regionH) / 2, regionW, regionH, null, 0, regionW);
    out[0] = Math.min(out[0], regionW); // rounding after subsampling may lose a pixel; never upscale to get it back
    out[1] = Math.min(out[1], regionH);
    int[] scaled = BoxFilter.downscale(pixels, regionW, regionH, out[0], out[1], alpha);
    boolean png = "png".equals(info.format());
    BufferedImage result =
        new BufferedImage(out[0], out[1], png && alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
    result.setRGB(0, 0, out[0], out[1], scaled, 0, out[0]);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    if (!ImageIO.write(result, png ? "png" : "jpeg", bytes)) {
      throw new IOException("no image writer for " + info.format());
    }
    return new Made(bytes.toByteArray(), info.contentType(), out[0], out[1]);
  }

  private static double factor(int width, int height, ThumbnailSize size) {
    double fx = (double) size.width() / width;
    double fy = (double) size.height() / height;
    double factor = size.method() == ThumbnailSize.Method.SCALE ? Math.min(fx, fy) : Math.max(fx, fy);
    return Math.min(1.0, factor);
  }

  private static int clamp(long value, int max) {
    return (int) Math.max(1, Math.min(max, value));
  }

  private void checkPixels(int width, int height) {
    if (width < 1 || height < 1) {
      throw cannotThumbnail();
    }
    if ((long) width * height > maxPixels) {
      throw new MatrixException(ErrorCode.TOO_LARGE, "Content is too large to thumbnail");
    }
  }

  private static ImageReader reader(ImageInputStream in) {
    if (in == null) {
      throw cannotThumbnail();
    }
    Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
    while (readers.hasNext()) {
      ImageReader reader = readers.next();
      try {
        String format = format(reader);
        if (format.equals("png") || format.equals("jpeg")) {
          return reader;
        }
      } catch (IOException e) {
        // not one we can use
      }
      reader.dispose();
    }
    throw cannotThumbnail();
  }

  private static String format(ImageReader reader) throws IOException {
    String name = reader.getFormatName().toLowerCase(Locale.ROOT);
    return name.equals("jpg") ? "jpeg" : name;
  }

  private static RuntimeException rethrowAsCannotThumbnail(Exception e) {
    if (e instanceof MatrixException matrix) {
      return matrix;
    }
    return new MatrixException(ErrorCode.UNKNOWN, "Cannot generate thumbnails for the requested content",
        java.util.Map.of(), e);
  }

  static MatrixException cannotThumbnail() {
    return new MatrixException(ErrorCode.UNKNOWN, "Cannot generate thumbnails for the requested content");
  }
}
