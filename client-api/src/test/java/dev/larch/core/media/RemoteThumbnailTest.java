package dev.larch.core.media;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.id.ServerName;
import dev.larch.storage.contract.TestDatabase;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.media.FileContentStore;
import dev.larch.storage.media.JdbcMediaStore;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Thumbnails of another server's media: the original comes from the {@link RemoteMediaSource} (as a download
 * would), and is scaled here under the rules for local media; the source's refusals are passed on.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class RemoteThumbnailTest {
  private static final String SERVER = "larch.test";
  private static final String REMOTE = "remote.test";

  private final TestDatabase kind;
  @TempDir Path tempDir;
  private String url;
  private Database database;
  private MediaService media;
  /** What the remote source holds, by media ID; anything else is 404 there. */
  private final java.util.Map<String, Path> remoteFiles = new java.util.concurrent.ConcurrentHashMap<>();
  private final List<ContentUri> fetched = new CopyOnWriteArrayList<>();

  RemoteThumbnailTest(TestDatabase kind) {
    this.kind = kind;
  }

  @BeforeEach
  void open() {
    url = kind.createUrl(tempDir);
    database = Database.open(url, 4);
    RemoteMediaSource remote = (uri, timeoutMs) -> {
      fetched.add(uri);
      Path file = remoteFiles.get(uri.mediaId().value());
      if (file == null || !uri.serverName().value().equals(REMOTE)) {
        return CompletableFuture.failedFuture(MatrixException.notFound("Unknown media"));
      }
      try {
        return CompletableFuture.completedFuture(new MediaContent(file, Files.size(file), "image/png", "a.png"));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    };
    media = new MediaService(new JdbcMediaStore(database), new FileContentStore(tempDir.resolve("media")),
        MediaSettings.defaults(1 << 20), new ServerName(SERVER), remote, Clock.systemUTC(), new SecureRandom(),
        Runnable::run);
  }

  @AfterEach
  void close() {
    database.close();
    kind.drop(url);
  }

  private void remotePng(String mediaId, int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        image.setRGB(x, y, (x * 7) << 16 | (y * 5) << 8 | (x + y));
      }
    }
    Path file = tempDir.resolve(mediaId + ".png");
    ImageIO.write(image, "png", file.toFile());
    remoteFiles.put(mediaId, file);
  }

  private MediaContent thumbnail(String server, String mediaId, int width, int height, ThumbnailSize.Method method) {
    return media.thumbnail(server, mediaId, width, height, method, 5_000).toCompletableFuture().join();
  }

  @Test
  void aRemoteImage_isFetchedAndScaledHere() throws Exception {
    remotePng("big", 640, 480);

    MediaContent small = thumbnail(REMOTE, "big", 96, 96, ThumbnailSize.Method.CROP);
    BufferedImage image = ImageIO.read(small.file().toFile());
    assertEquals(96, image.getWidth());
    assertEquals(96, image.getHeight());
    assertTrue(small.contentType().startsWith("image/"), small.contentType());
    assertEquals(small.length(), Files.size(small.file()));
    assertEquals(List.of(new ContentUri(new ServerName(REMOTE), new MediaId("big"))), fetched);

    MediaContent scaled = thumbnail(REMOTE, "big", 320, 240, ThumbnailSize.Method.SCALE);
    BufferedImage scaledImage = ImageIO.read(scaled.file().toFile());
    assertEquals(320, scaledImage.getWidth());
    assertEquals(240, scaledImage.getHeight());
  }

  @Test
  void aRemoteImageNoLargerThanAsked_isServedAsItIs() throws Exception {
    remotePng("tiny", 20, 10);
    Path original = remoteFiles.get("tiny");

    MediaContent answer = thumbnail(REMOTE, "tiny", 96, 96, ThumbnailSize.Method.SCALE);
    assertEquals(original, answer.file());
    assertEquals("image/png", answer.contentType());
  }

  @Test
  void unknownRemoteMedia_is404_andNonImages_are400() throws Exception {
    CompletionException missing = assertThrows(CompletionException.class,
        () -> thumbnail(REMOTE, "nope", 32, 32, ThumbnailSize.Method.CROP));
    assertEquals(ErrorCode.NOT_FOUND, assertInstanceOf(MatrixException.class, missing.getCause()).errorCode());

    Path text = tempDir.resolve("text.txt");
    Files.writeString(text, "not an image at all");
    remoteFiles.put("text", text);
    CompletionException notImage = assertThrows(CompletionException.class,
        () -> thumbnail(REMOTE, "text", 32, 32, ThumbnailSize.Method.CROP));
    MatrixException error = assertInstanceOf(MatrixException.class, notImage.getCause());
    assertEquals(ErrorCode.UNKNOWN, error.errorCode());
    assertEquals(400, error.httpStatus());
  }
}
