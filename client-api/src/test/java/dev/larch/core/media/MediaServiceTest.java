package dev.larch.core.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.id.ServerName;
import dev.larch.storage.contract.TestDatabase;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.media.FileContentStore;
import dev.larch.storage.media.JdbcMediaStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** {@link MediaService} over the real stores: expiry of unused IDs, the pending limit, types and names. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class MediaServiceTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String SERVER = "larch.test";
  private static final long DAY = 24L * 3600 * 1000;

  private final TestDatabase kind;
  @TempDir Path tempDir;
  private String url;
  private Database database;
  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private MediaService media;

  MediaServiceTest(TestDatabase kind) {
    this.kind = kind;
  }

  @BeforeEach
  void open() {
    url = kind.createUrl(tempDir);
    database = Database.open(url, 4);
    Clock clock = new Clock() {
      @Override
      public long millis() {
        return now.get();
      }

      @Override
      public Instant instant() {
        return Instant.ofEpochMilli(now.get());
      }

      @Override
      public ZoneId getZone() {
        return ZoneOffset.UTC;
      }

      @Override
      public Clock withZone(ZoneId zone) {
        return this;
      }
    };
    media = new MediaService(new JdbcMediaStore(database), new FileContentStore(tempDir.resolve("media")),
        MediaSettings.defaults(1 << 20), new ServerName(SERVER), RemoteMediaSource.NONE, clock, new SecureRandom(),
        Runnable::run);
  }

  @AfterEach
  void close() {
    database.close();
    kind.drop(url);
  }

  private Path body(byte[] bytes) throws Exception {
    Path file = media.newUploadFile();
    Files.write(file, bytes);
    return file;
  }

  private static ErrorCode code(Throwable e) {
    Throwable cause = e instanceof CompletionException || e instanceof java.util.concurrent.ExecutionException
        ? e.getCause() : e;
    return ((MatrixException) cause).errorCode();
  }

  @Test
  void unusedIds_expireAfterADay_andFreeThePendingLimit() throws Exception {
    MediaService.Created created = media.create(ALICE);
    assertEquals(now.get() + DAY, created.unusedExpiresAt());
    for (int i = 0; i < 4; i++) {
      media.create(ALICE);
    }
    assertEquals(ErrorCode.LIMIT_EXCEEDED, code(assertThrows(MatrixException.class, () -> media.create(ALICE))));
    now.addAndGet(DAY);
    String id = created.contentUri().mediaId().value();
    assertEquals(ErrorCode.NOT_FOUND, code(assertThrows(MatrixException.class,
        () -> media.uploadTo(ALICE, SERVER, id, body(new byte[] {1}), 1, "image/png", null))));
    assertEquals(ErrorCode.NOT_FOUND, code(assertThrows(MatrixException.class,
        () -> media.download(SERVER, id, 0))));
    media.create(ALICE); // the expired five no longer count
  }

  @Test
  void upload_thenDownload_keepsTypeAndName() throws Exception {
    byte[] bytes = {1, 2, 3, 4};
    ContentUri uri = media.upload(ALICE, body(bytes), 4, "  application/pdf ", "r\u00e9sum\u00e9.pdf");
    assertEquals("mxc://larch.test/" + uri.mediaId().value(), uri.toString());
    MediaContent content = media.download(SERVER, uri.mediaId().value(), 0).toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    assertArrayEquals(bytes, Files.readAllBytes(content.file()));
    assertEquals("application/pdf", content.contentType());
    assertEquals("r\u00e9sum\u00e9.pdf", content.fileName());
    assertEquals(ErrorCode.INVALID_PARAM, code(assertThrows(MatrixException.class,
        () -> media.upload(ALICE, body(bytes), 4, null, "bad\nname"))));
    assertEquals(ErrorCode.TOO_LARGE, code(assertThrows(MatrixException.class,
        () -> media.upload(ALICE, body(bytes), (1 << 20) + 1, null, null))));
  }

  @Test
  void contentType_keepsMediaTypes_elseOctetStream() {
    assertEquals("image/png", MediaService.contentType("image/png"));
    assertEquals("text/plain; charset=utf-8", MediaService.contentType("text/plain; charset=utf-8"));
    assertEquals("application/octet-stream", MediaService.contentType(null));
    assertEquals("application/octet-stream", MediaService.contentType(""));
    assertEquals("application/octet-stream", MediaService.contentType("png"));
    assertEquals("application/octet-stream", MediaService.contentType("text/html\u0000"));
  }
}
