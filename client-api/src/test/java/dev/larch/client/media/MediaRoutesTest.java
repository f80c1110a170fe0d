package dev.larch.client.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.media.MediaSettings;
import dev.larch.core.ratelimit.RateLimit;
import dev.larch.storage.contract.TestDatabase;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Uploads and downloads over HTTP: bytes, headers, limits, bad input, authentication. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class MediaRoutesTest {
  private static final int LIMIT = 64 * 1024;
  private static final String V1 = "/_matrix/client/v1/media";
  private static final String LEGACY = "/_matrix/media/v3";

  private final TestDatabase kind;
  @TempDir Path tempDir;
  private MediaApi api;
  private String alice;

  MediaRoutesTest(TestDatabase kind) {
    this.kind = kind;
  }

  @BeforeEach
  void start() throws Exception {
    MediaSettings settings = new MediaSettings(LIMIT, 24L * 3600 * 1000, 5, new RateLimit(10, 50), 60_000, 32_000_000);
    api = MediaApi.start(kind, tempDir, settings);
    alice = api.register("alice");
  }

  @AfterEach
  void stop() throws Exception {
    api.close();
  }

  private static byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    new Random(length).nextBytes(bytes);
    return bytes;
  }

  @Test
  void upload_thenDownload_isByteExact_withHeaders() throws Exception {
    byte[] bytes = randomBytes(LIMIT); // exactly at the limit
    String id = api.uploadId(bytes, "application/pdf", "War and Peace.pdf", alice);

    MediaApi.Response authed = api.get(V1 + "/download/" + MediaApi.SERVER + "/" + id, alice);
    assertEquals(200, authed.status(), authed.text());
    assertArrayEquals(bytes, authed.body());
    assertEquals("application/pdf", authed.header("Content-Type"));
    assertEquals(String.valueOf(LIMIT), authed.header("Content-Length"));
    assertEquals("attachment; filename*=utf-8''War%20and%20Peace.pdf", authed.header("Content-Disposition"));
    assertEquals(MediaHeaders.CONTENT_SECURITY_POLICY, authed.header("Content-Security-Policy"));
    assertEquals("cross-origin", authed.header("Cross-Origin-Resource-Policy"));
    assertEquals("public,max-age=86400,s-maxage=86400", authed.header("Cache-Control"));
    assertEquals("*", authed.header("Access-Control-Allow-Origin"));

    MediaApi.Response legacy = api.get(LEGACY + "/download/" + MediaApi.SERVER + "/" + id, null);
    assertArrayEquals(bytes, legacy.body());
    MediaApi.Response named = api.get(V1 + "/download/" + MediaApi.SERVER + "/" + id + "/notes.txt", alice);
    assertArrayEquals(bytes, named.body());
    assertEquals("attachment; filename=notes.txt", named.header("Content-Disposition"));
  }

  @Test
  void download_inlineOnlyForSafeTypes_andTextGetsCharset() throws Exception {
    String png = api.uploadId(TestImages.png(4, 4), "image/png", "a.png", alice);
    assertEquals("inline; filename=a.png",
        api.get(V1 + "/download/" + MediaApi.SERVER + "/" + png, alice).header("Content-Disposition"));
    MediaApi.Response text = api.get(V1 + "/download/" + MediaApi.SERVER + "/"
        + api.uploadId("hello".getBytes(StandardCharsets.UTF_8), "text/plain", null, alice), alice);
    assertEquals("text/plain; charset=UTF-8", text.header("Content-Type"));
    assertEquals("inline", text.header("Content-Disposition"));
    MediaApi.Response html = api.get(V1 + "/download/" + MediaApi.SERVER + "/"
        + api.uploadId("<script>x</script>".getBytes(StandardCharsets.UTF_8), "text/html", "x.html", alice), alice);
    assertEquals("attachment; filename=x.html", html.header("Content-Disposition"));
    MediaApi.Response svg = api.get(V1 + "/download/" + MediaApi.SERVER + "/"
        + api.uploadId("<svg/>".getBytes(StandardCharsets.UTF_8), "image/svg+xml", "ünï.svg", alice), alice);
    assertEquals("attachment; filename*=utf-8''%C3%BCn%C3%AF.svg", svg.header("Content-Disposition"));
  }

  @Test
  void upload_withoutOrWithBadContentType_isOctetStream() throws Exception {
    String none = api.uploadId(new byte[] {1, 2, 3}, null, null, alice);
    MediaApi.Response response = api.get(V1 + "/download/" + MediaApi.SERVER + "/" + none, alice);
    assertEquals("application/octet-stream", response.header("Content-Type"));
    assertEquals("attachment", response.header("Content-Disposition"));
    String bad = api.uploadId(new byte[] {1}, "not a type", null, alice);
    assertEquals("application/octet-stream",
        api.get(V1 + "/download/" + MediaApi.SERVER + "/" + bad, alice).header("Content-Type"));
    assertEquals(0, api.upload(new byte[0], "text/plain", null, alice).ok().get("content_uri").asText().indexOf("mxc"));
  }

  @Test
  void sameContentTwice_isStoredOnce() throws Exception {
    byte[] bytes = randomBytes(1000);
    String first = api.uploadId(bytes, "application/octet-stream", null, alice);
    String second = api.uploadId(bytes, "application/octet-stream", null, alice);
    assertTrue(!first.equals(second));
    assertEquals(1, api.contentFiles());
    assertEquals(2, api.rows("local_media"));
  }

  @Test
  void config_givesTheLimit_onBothPaths() throws Exception {
    assertEquals(LIMIT, api.get(V1 + "/config", alice).ok().get("m.upload.size").asLong());
    assertEquals(LIMIT, api.get(LEGACY + "/config", alice).ok().get("m.upload.size").asLong());
    assertEquals(0, api.get(V1 + "/preview_url?url=https%3A%2F%2Fexample.org", alice).ok().size());
    api.get(V1 + "/preview_url", alice).assertError(400, "M_MISSING_PARAM");
  }

  @Test
  void authenticatedEndpoints_withoutToken_are401() throws Exception {
    String id = api.uploadId(new byte[] {1}, "image/png", null, alice);
    api.upload(new byte[] {1}, "image/png", null, null).assertError(401, "M_MISSING_TOKEN");
    api.upload(new byte[] {1}, "image/png", null, "wrong").assertError(401, "M_UNKNOWN_TOKEN");
    api.get(V1 + "/download/" + MediaApi.SERVER + "/" + id, null).assertError(401, "M_MISSING_TOKEN");
    api.get(V1 + "/thumbnail/" + MediaApi.SERVER + "/" + id + "?width=32&height=32", null)
        .assertError(401, "M_MISSING_TOKEN");
    api.get(V1 + "/config", null).assertError(401, "M_MISSING_TOKEN");
    api.get(LEGACY + "/config", null).assertError(401, "M_MISSING_TOKEN");
    api.post("/_matrix/media/v1/create", "{}", null).assertError(401, "M_MISSING_TOKEN");
    assertEquals(1, api.rows("local_media"));
  }

  @Test
  void unknownRemoteAndMalformedIds_are404Or400_never500() throws Exception {
    api.get(V1 + "/download/" + MediaApi.SERVER + "/doesNotExist", alice).assertError(404, "M_NOT_FOUND");
    api.get(LEGACY + "/download/" + MediaApi.SERVER + "/doesNotExist", null).assertError(404, "M_NOT_FOUND");
    api.get(V1 + "/download/other.example/abc", alice).assertError(404, "M_NOT_FOUND");
    api.get(V1 + "/download/" + MediaApi.SERVER + "/a.b", alice).assertError(400, "M_INVALID_PARAM");
    api.get(V1 + "/download/" + MediaApi.SERVER + "/..%2F..%2Fetc%2Fpasswd", alice).assertError(400, "M_INVALID_PARAM");
    for (String path : new String[] {
        V1 + "/download/..%2F..%2Fetc/passwd",
        V1 + "/download/" + MediaApi.SERVER + "/%2e%2e",
        V1 + "/download/" + MediaApi.SERVER + "/../../../etc/passwd",
        LEGACY + "/download/" + MediaApi.SERVER + "/..%252F..%252Fsecret",
        V1 + "/thumbnail/" + MediaApi.SERVER + "/%00?width=1&height=1"}) {
      int status = api.get(path, alice).status();
      assertTrue(status == 400 || status == 404, path + " gave " + status);
    }
  }

  @Test
  void oversizedUpload_withContentLength_is413_andStoresNothing() throws Exception {
    api.upload(randomBytes(LIMIT + 1), "application/octet-stream", null, alice).assertError(413, "M_TOO_LARGE");
    assertNothingStored();
  }

  @Test
  void oversizedUpload_chunked_isCutOffAt413_andStoresNothing() throws Exception {
    byte[] bytes = randomBytes(LIMIT * 2);
    HttpRequest request = api.request("/_matrix/media/v3/upload", alice).header("Content-Type", "image/png")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(bytes))).build();
    try {
      api.send(request).assertError(413, "M_TOO_LARGE");
    } catch (IOException e) {
      // The server may close the connection while the client still sends: as good a refusal as the 413.
    }
    MediaApi.await(() -> tempFiles() == 0, "the partial upload to be deleted");
    assertNothingStored();
  }

  @Test
  void truncatedUpload_connectionClosedMidBody_storesNothing() throws Exception {
    int port = Integer.parseInt(api.base.substring(api.base.lastIndexOf(':') + 1));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      OutputStream out = socket.getOutputStream();
      out.write(("POST /_matrix/media/v3/upload HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + alice
          + "\r\nContent-Type: image/png\r\nContent-Length: 1000\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      out.write(randomBytes(500));
      out.flush();
      MediaApi.await(() -> tempFiles() == 1, "the upload to start");
    }
    MediaApi.await(() -> tempFiles() == 0, "the partial upload to be deleted");
    assertNothingStored();
    // The server is fine afterwards.
    api.uploadId(new byte[] {7}, "image/png", null, alice);
  }

  @Test
  void garbageContentLength_isRefused() throws Exception {
    int port = Integer.parseInt(api.base.substring(api.base.lastIndexOf(':') + 1));
    try (Socket socket = new Socket("127.0.0.1", port)) {
      socket.getOutputStream().write(("POST /_matrix/media/v3/upload HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
          + alice + "\r\nContent-Length: 99999999999999999999\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      InputStream in = socket.getInputStream();
      String status = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
      assertTrue(status.startsWith("HTTP/1.1 4"), status);
    }
    assertNothingStored();
  }

  private long tempFiles() {
    try {
      return api.tempFiles();
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private void assertNothingStored() throws Exception {
    assertEquals(0, api.rows("local_media"));
    assertEquals(0, api.contentFiles());
    assertEquals(0, api.tempFiles());
  }
}
