package dev.larch.core.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.larch.core.media.ThumbnailSize.Method;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The spec's pre-set sizes and the output dimensions of scale and crop. */
class ThumbnailSizeTest {
  @Test
  void choose_smallestPresetAtLeastAsLarge() {
    assertEquals(Optional.of(new ThumbnailSize(32, 32, Method.CROP)), ThumbnailSize.choose(1, 1, Method.CROP));
    assertEquals(Optional.of(new ThumbnailSize(96, 96, Method.CROP)), ThumbnailSize.choose(33, 96, Method.CROP));
    assertEquals(Optional.of(new ThumbnailSize(320, 240, Method.SCALE)), ThumbnailSize.choose(1, 1, Method.SCALE));
    assertEquals(Optional.of(new ThumbnailSize(640, 480, Method.SCALE)), ThumbnailSize.choose(321, 10, Method.SCALE));
    assertEquals(Optional.of(new ThumbnailSize(800, 600, Method.SCALE)), ThumbnailSize.choose(800, 600, Method.SCALE));
    assertEquals(Optional.empty(), ThumbnailSize.choose(801, 600, Method.SCALE));
    // No crop size is that large: the smallest scale size that is.
    assertEquals(Optional.of(new ThumbnailSize(320, 240, Method.SCALE)), ThumbnailSize.choose(100, 100, Method.CROP));
    assertEquals(Optional.empty(), ThumbnailSize.choose(1000, 10, Method.CROP));
  }

  @Test
  void method_wireNames() {
    assertEquals(Optional.of(Method.CROP), Method.fromWire("crop"));
    assertEquals(Optional.of(Method.SCALE), Method.fromWire("scale"));
    assertEquals(Optional.empty(), Method.fromWire("Crop"));
  }

  @Test
  void outputSize_scaleFits_cropFills_neverUpscales() {
    assertArrayEquals(new int[] {300, 240},
        Thumbnailer.outputSize(1000, 800, new ThumbnailSize(320, 240, Method.SCALE)));
    assertArrayEquals(new int[] {96, 96}, Thumbnailer.outputSize(1000, 800, new ThumbnailSize(96, 96, Method.CROP)));
    assertArrayEquals(new int[] {50, 40}, Thumbnailer.outputSize(50, 40, new ThumbnailSize(320, 240, Method.SCALE)));
    assertArrayEquals(new int[] {50, 40}, Thumbnailer.outputSize(50, 40, new ThumbnailSize(96, 96, Method.CROP)));
    assertArrayEquals(new int[] {96, 10}, Thumbnailer.outputSize(1000, 10, new ThumbnailSize(96, 96, Method.CROP)));
  }

  @Test
  void mediaId_grammar() {
    assertEquals(true, MediaId.isValid("AQwafuaFswefuhsfAFAgsw_-09"));
    for (String bad : new String[] {"", "a.b", "../x", "a/b", "a%2Fb", "ä", "a b", "x".repeat(256)}) {
      assertEquals(false, MediaId.isValid(bad), bad);
    }
    assertEquals(24, MediaId.generate(new java.security.SecureRandom()).value().length());
  }

  @Test
  void boxFilter_averagesInPremultipliedAlpha() {
    int[] src = {0xffff0000, 0x000000ff, 0xffff0000, 0x000000ff}; // opaque red and transparent blue, 2x2
    int[] out = BoxFilter.downscale(src, 2, 2, 1, 1, true);
    assertEquals(0x7fff0000, out[0]); // half-transparent red, no blue bleeding in
  }
}
