package dev.larch.client.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.media.MediaId;
import dev.larch.core.media.MediaSettings;
import dev.larch.core.media.Thumbnail;
import dev.larch.core.media.ThumbnailSize;
import dev.larch.storage.contract.TestDatabase;
import dev.larch.storage.media.JdbcMediaStore;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Thumbnails over HTTP: crop and scale of PNG and JPEG, the pre-set sizes, the cache, bad input. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class ThumbnailRoutesTest {
  private static final String V1 = "/_matrix/client/v1/media/thumbnail/" + MediaApi.SERVER + "/";

  private final TestDatabase kind;
  @TempDir Path tempDir;
  private MediaApi api;
  private String alice;

  ThumbnailRoutesTest(TestDatabase kind) {
    this.kind = kind;
  }

  @BeforeEach
  void start() throws Exception {
    api = MediaApi.start(kind, tempDir, MediaSettings.defaults(8 << 20));
    alice = api.register("alice");
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
  }

  private BufferedImage thumbnail(String id, String query, String expectedType) throws Exception {
    MediaApi.Response response = api.get(V1 + id + "?" + query, alice);
    assertEquals(200, response.status(), response.text());
    assertEquals(expectedType, response.header("Content-Type"));
    assertTrue(response.header("Content-Disposition").startsWith("inline; filename=thumbnail."),
        response.header("Content-Disposition"));
    assertEquals("cross-origin", response.header("Cross-Origin-Resource-Policy"));
    return TestImages.decode(response.body());
  }

  @Test
  void png_cropAndScale_keepAlpha() throws Exception {
    String id = api.uploadId(TestImages.png(1000, 800), "image/png", "big.png", alice);
    BufferedImage crop = thumbnail(id, "width=96&height=96&method=crop", "image/png");
    assertEquals(96, crop.getWidth());
    assertEquals(96, crop.getHeight());
    assertTrue(crop.getColorModel().hasAlpha());
    assertEquals(0x40, crop.getRGB(2, 48) >>> 24, "the transparent half stays transparent");
    BufferedImage small = thumbnail(id, "width=20&height=20&method=crop", "image/png");
    assertEquals(32, small.getWidth()); // the smallest pre-set size at least as large
    BufferedImage scale = thumbnail(id, "width=300&height=200&method=scale", "image/png");
    assertEquals(300, scale.getWidth()); // 320x240 box, aspect 5:4 kept
    assertEquals(240, scale.getHeight());
    BufferedImage defaultMethod = thumbnail(id, "width=640&height=480", "image/png");
    assertEquals(600, defaultMethod.getWidth());
    assertEquals(480, defaultMethod.getHeight());
  }

  @Test
  void jpeg_cropAndScale_onBothPaths() throws Exception {
    String id = api.uploadId(TestImages.jpeg(1200, 900), "image/jpeg", null, alice);
    BufferedImage crop = thumbnail(id, "width=32&height=32&method=crop&animated=true", "image/jpeg");
    assertEquals(32, crop.getWidth());
    assertEquals(32, crop.getHeight());
    BufferedImage scale = thumbnail(id, "width=800&height=600&method=scale", "image/jpeg");
    assertEquals(800, scale.getWidth());
    assertEquals(600, scale.getHeight());
    MediaApi.Response legacy = api.get("/_matrix/media/v3/thumbnail/" + MediaApi.SERVER + "/" + id
        + "?width=300&height=200&method=scale", null);
    assertEquals(200, legacy.status(), legacy.text());
    assertEquals(320, TestImages.decode(legacy.body()).getWidth());
  }

  @Test
  void neverUpscales_andServesTheOriginal_whenNoThumbnailIsSmaller() throws Exception {
    byte[] tiny = TestImages.png(50, 40);
    String id = api.uploadId(tiny, "image/png", null, alice);
    MediaApi.Response response = api.get(V1 + id + "?width=96&height=96&method=crop", alice);
    assertArrayEquals(tiny, response.body());
    assertEquals("image/png", response.header("Content-Type"));
    String big = api.uploadId(TestImages.jpeg(1200, 900), "image/jpeg", null, alice);
    BufferedImage huge = thumbnail(big, "width=1000&height=1000&method=scale", "image/jpeg");
    assertEquals(1200, huge.getWidth()); // larger than every pre-set size: the original
    // A crop larger than every crop size: a scale size would be too short for this wide image, so the original.
    String wide = api.uploadId(TestImages.png(2000, 300), "image/png", null, alice);
    BufferedImage wideThumb = thumbnail(wide, "width=100&height=100&method=crop", "image/png");
    assertTrue(wideThumb.getHeight() >= 100 && wideThumb.getWidth() >= 100);
  }

  @Test
  void thumbnails_areCached_andServedWithoutTheOriginal() throws Exception {
    String id = api.uploadId(TestImages.jpeg(640, 640), "image/jpeg", null, alice);
    byte[] first = api.get(V1 + id + "?width=96&height=96&method=crop", alice).body();
    Thumbnail cached = new JdbcMediaStore(api.database)
        .thumbnail(MediaId.parse(id), new ThumbnailSize(96, 96, ThumbnailSize.Method.CROP)).orElseThrow();
    assertEquals(96, cached.width());
    assertEquals(first.length, cached.length());
    assertEquals(1, api.rows("local_media_thumbnails"));
    String sha = sha256Of(id);
    Files.delete(api.files.path(sha)); // only the cache can answer now
    MediaApi.Response second = api.get(V1 + id + "?width=64&height=64&method=crop", alice);
    assertArrayEquals(first, second.body());
    assertEquals(1, api.rows("local_media_thumbnails"));
    api.get("/_matrix/client/v1/media/download/" + MediaApi.SERVER + "/" + id, alice).assertError(404, "M_NOT_FOUND");
  }

  @Test
  void badInput_is400_413_or404() throws Exception {
    String text = api.uploadId("just text".getBytes(StandardCharsets.UTF_8), "text/plain", null, alice);
    api.get(V1 + text + "?width=32&height=32", alice).assertError(400, "M_UNKNOWN");
    String liar = api.uploadId("not a png".getBytes(StandardCharsets.UTF_8), "image/png", null, alice);
    api.get(V1 + liar + "?width=32&height=32", alice).assertError(400, "M_UNKNOWN");
    String bomb = api.uploadId(TestImages.pngBomb(), "image/png", null, alice);
    api.get(V1 + bomb + "?width=32&height=32&method=crop", alice).assertError(413, "M_TOO_LARGE");
    String png = api.uploadId(TestImages.png(100, 100), "image/png", null, alice);
    api.get(V1 + png + "?height=32", alice).assertError(400, "M_MISSING_PARAM");
    api.get(V1 + png + "?width=abc&height=32", alice).assertError(400, "M_INVALID_PARAM");
    api.get(V1 + png + "?width=-5&height=32", alice).assertError(400, "M_INVALID_PARAM");
    api.get(V1 + png + "?width=32&height=32&method=zoom", alice).assertError(400, "M_INVALID_PARAM");
    api.get(V1 + "missing?width=32&height=32", alice).assertError(404, "M_NOT_FOUND");
    api.get("/_matrix/client/v1/media/thumbnail/other.example/x?width=32&height=32", alice)
        .assertError(404, "M_NOT_FOUND");
  }

  private String sha256Of(String id) {
    return new JdbcMediaStore(api.database).media(MediaId.parse(id)).orElseThrow().sha256();
  }
}
