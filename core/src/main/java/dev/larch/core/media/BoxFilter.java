package dev.larch.core.media;

/**
 * Area-averaging downscaling of ARGB pixels: each output pixel is the mean of the source pixels its box covers,
 * in premultiplied alpha. Only ever shrinks. Used by {@link Thumbnailer}.
 *
 * <p>Spec: client-server API v1.11, "Thumbnails" (servers MUST NOT upscale).
 */
final class BoxFilter {
  private BoxFilter() {}

  /** {@code src} ({@code sw} x {@code sh}, row-major ARGB) shrunk to {@code dw} x {@code dh}. */
  static int[] downscale(int[] src, int sw, int sh, int dw, int dh, boolean alpha) {
    if (dw > sw || dh > sh) {
      throw new IllegalArgumentException("box filter only shrinks");
    }
    int[] out = new int[dw * dh];
    for (int dy = 0; dy < dh; dy++) {
      int y0 = (int) ((long) dy * sh / dh);
      int y1 = Math.max(y0 + 1, (int) ((long) (dy + 1) * sh / dh));
      for (int dx = 0; dx < dw; dx++) {
        int x0 = (int) ((long) dx * sw / dw);
        int x1 = Math.max(x0 + 1, (int) ((long) (dx + 1) * sw / dw));
        long a = 0;
        long r = 0;
        long g = 0;
        long b = 0;
        for (int y = y0; y < y1; y++) {
          int row = y * sw;
          for (int x = x0; x < x1; x++) {
            int p = src[row + x];
            int pa = alpha ? p >>> 24 : 255;
            a += pa;
            r += (long) ((p >> 16) & 0xff) * pa;
            g += (long) ((p >> 8) & 0xff) * pa;
            b += (long) (p & 0xff) * pa;
          }
        }
        long n = (long) (x1 - x0) * (y1 - y0);
        int oa = (int) (a / n);
        int or = a == 0 ? 0 : (int) (r / a);
        int og = a == 0 ? 0 : (int) (g / a);
        int ob = a == 0 ? 0 : (int) (b / a);
        out[dy * dw + dx] = (oa << 24) | (or << 16) | (og << 8) | ob;
      }
    }
    return out;
  }
}
