package dev.larch.client.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.media.MediaSettings;
import dev.larch.core.ratelimit.RateLimit;
import dev.larch.storage.contract.TestDatabase;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code POST /media/v1/create} then {@code PUT /media/v3/upload/...}: ownership, overwrite, waiting, limits. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class AsyncUploadTest {
  private static final String V1 = "/_matrix/client/v1/media";

  private final TestDatabase kind;
  @TempDir Path tempDir;
  private MediaApi api;
  private String alice;
  private String bob;

  AsyncUploadTest(TestDatabase kind) {
    this.kind = kind;
  }

  @BeforeEach
  void start() throws Exception {
    api = MediaApi.start(kind, tempDir, MediaSettings.defaults(1 << 20));
    alice = api.register("alice");
    bob = api.register("bob");
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
  }

  private String create(String token) throws Exception {
    JsonNode created = api.post("/_matrix/media/v1/create", "{}", token).ok();
    assertTrue(created.get("unused_expires_at").asLong() > System.currentTimeMillis(), created.toString());
    String uri = created.get("content_uri").asText();
    assertTrue(uri.startsWith("mxc://" + MediaApi.SERVER + "/"), uri);
    return uri.substring(uri.lastIndexOf('/') + 1);
  }

  private MediaApi.Response put(String id, byte[] bytes, String token) throws Exception {
    return api.send(api.request("/_matrix/media/v3/upload/" + MediaApi.SERVER + "/" + id + "?filename=cat.png", token)
        .header("Content-Type", "image/png").PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build());
  }

  @Test
  void create_thenUpload_byCreatorOnly_once() throws Exception {
    String id = create(alice);
    byte[] bytes = TestImages.png(10, 10);
    put(id, bytes, bob).assertError(403, "M_FORBIDDEN");
    assertEquals(0, put(id, bytes, alice).ok().size());
    put(id, bytes, alice).assertError(409, "M_CANNOT_OVERWRITE_MEDIA");
    MediaApi.Response download = api.get(V1 + "/download/" + MediaApi.SERVER + "/" + id, bob);
    assertArrayEquals(bytes, download.body());
    assertEquals("image/png", download.header("Content-Type"));
    assertEquals("inline; filename=cat.png", download.header("Content-Disposition"));
  }

  @Test
  void upload_toUnknownRemoteOrMalformedId_isRefused() throws Exception {
    put("neverCreated", new byte[] {1}, alice).assertError(404, "M_NOT_FOUND");
    api.send(api.request("/_matrix/media/v3/upload/other.example/abc", alice)
        .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[] {1})).build()).assertError(404, "M_NOT_FOUND");
    put("bad.id", new byte[] {1}, alice).assertError(400, "M_INVALID_PARAM");
    String direct = api.uploadId(new byte[] {1}, "image/png", null, alice);
    put(direct, new byte[] {2}, alice).assertError(409, "M_CANNOT_OVERWRITE_MEDIA");
    assertEquals(0, api.tempFiles());
  }

  @Test
  void pending_isNotYetUploaded_immediatelyOrAfterTimeout() throws Exception {
    String id = create(alice);
    api.get(V1 + "/download/" + MediaApi.SERVER + "/" + id + "?timeout_ms=0", alice)
        .assertError(504, "M_NOT_YET_UPLOADED");
    long start = System.nanoTime();
    api.get(V1 + "/download/" + MediaApi.SERVER + "/" + id + "?timeout_ms=300", bob)
        .assertError(504, "M_NOT_YET_UPLOADED");
    assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(300));
    api.get(V1 + "/thumbnail/" + MediaApi.SERVER + "/" + id + "?width=32&height=32&timeout_ms=0", alice)
        .assertError(504, "M_NOT_YET_UPLOADED");
    api.get(V1 + "/download/" + MediaApi.SERVER + "/" + id + "?timeout_ms=soon", alice)
        .assertError(400, "M_INVALID_PARAM");
  }

  @Test
  void waitingDownload_getsTheContent_whenTheUploadArrives() throws Exception {
    String id = create(alice);
    byte[] bytes = TestImages.jpeg(300, 200);
    CompletableFuture<MediaApi.Response> download = api.sendAsync(
        api.request(V1 + "/download/" + MediaApi.SERVER + "/" + id + "?timeout_ms=20000", bob).GET().build());
    CompletableFuture<MediaApi.Response> thumbnail = api.sendAsync(api.request(
        V1 + "/thumbnail/" + MediaApi.SERVER + "/" + id + "?width=96&height=96&method=crop&timeout_ms=20000", bob)
        .GET().build());
    MediaApi.await(() -> !download.isDone() && waiting() == 2, "both downloads to wait");
    put(id, bytes, alice).ok();
    assertArrayEquals(bytes, download.get(10, TimeUnit.SECONDS).body());
    MediaApi.Response thumb = thumbnail.get(10, TimeUnit.SECONDS);
    assertEquals("image/jpeg", thumb.header("Content-Type"), thumb.text());
    assertEquals(96, TestImages.decode(thumb.body()).getWidth());
    assertEquals(0, waiting());
  }

  @Test
  void create_isLimitedToFivePendingPerUser() throws Exception {
    for (int i = 0; i < 5; i++) {
      create(alice);
    }
    api.post("/_matrix/media/v1/create", "{}", alice).assertError(429, "M_LIMIT_EXCEEDED");
    create(bob);
  }

  @Test
  void create_isRateLimited() throws Exception {
    api.close();
    api = MediaApi.start(kind, tempDir.resolve("again"),
        new MediaSettings(1 << 20, 60_000, 100, new RateLimit(0.001, 2), 60_000, 1_000_000));
    String carol = api.register("carol");
    create(carol);
    create(carol);
    MediaApi.Response limited = api.post("/_matrix/media/v1/create", "{}", carol).assertError(429, "M_LIMIT_EXCEEDED");
    assertTrue(limited.json().get("retry_after_ms").asLong() > 0);
  }

  private int waiting() {
    return api.media.waitingDownloads();
  }
}
