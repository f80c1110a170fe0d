package dev.larch.federation.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.error.MatrixException;
import dev.larch.core.federation.media.RemoteMediaCache;
import dev.larch.core.federation.media.RemoteMediaFetcher;
import dev.larch.core.id.ServerName;
import dev.larch.core.media.ContentUri;
import dev.larch.core.media.MediaContent;
import dev.larch.core.media.MediaId;
import dev.larch.federation.ResidentFixture;
import dev.larch.federation.ResidentFixture.Remote;
import dev.larch.federation.transport.FederationTransport;
import dev.larch.federation.transport.TransportResponse;
import dev.larch.storage.contract.TestDatabase;
import dev.larch.storage.federation.media.JdbcRemoteMediaStore;
import dev.larch.storage.media.FileContentStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Media both ways: our federation media routes serve a file, and a remote server's {@link FederationMediaFetcher}
 * plus {@link RemoteMediaCache} (the client side of another server) fetch and cache it over a real HTTP transport,
 * falling back to the legacy path when the federation one fails.
 */
class FederationMediaTest {
  private static final byte[] PNG_ISH = "not really a png, but bytes all the same".getBytes(StandardCharsets.UTF_8);

  @TempDir Path tempDir;

  /** A transport to the server under test over plain HTTP, refusing paths {@code refuse} matches with 404. */
  private static final class TestTransport implements FederationTransport {
    private final String base;
    private final Predicate<String> refuse;
    final AtomicInteger calls = new AtomicInteger();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    TestTransport(String base, Predicate<String> refuse) {
      this.base = base;
      this.refuse = refuse;
    }

    @Override
    public CompletableFuture<TransportResponse> send(dev.larch.federation.transport.TransportRequest request) {
      calls.incrementAndGet();
      if (refuse.test(request.uri())) {
        return CompletableFuture.completedFuture(new TransportResponse(404, Map.of(), new byte[0]));
      }
      HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + request.uri()))
          .method(request.method(), HttpRequest.BodyPublishers.noBody());
      request.headers().forEach(builder::header);
      return http.sendAsync(builder.build(), HttpResponse.BodyHandlers.ofByteArray()).thenApply(response -> {
        Map<String, String> headers = new HashMap<>();
        response.headers().map().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
        return new TransportResponse(response.statusCode(), headers, response.body());
      });
    }
  }

  private static ContentUri upload(ResidentFixture fx, Path tempDir) throws Exception {
    String alice = fx.user("alice");
    Path body = fx.media.newUploadFile();
    Files.write(body, PNG_ISH);
    return fx.media.upload(alice, body, PNG_ISH.length, "image/png", "cat.png");
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void aRemoteFetchesOurMediaOverFederationAndCachesIt(TestDatabase db) throws Exception {
    try (ResidentFixture fx = new ResidentFixture(db, tempDir)) {
      ContentUri uri = upload(fx, tempDir);
      Remote remote = fx.remote("remote.test");
      TestTransport transport = new TestTransport(fx.federation.baseUrl(), path -> false);
      FederationMediaFetcher fetcher =
          new FederationMediaFetcher("remote.test", remote.requests().keyId(), remote.requests().key(), transport);

      Path into = Files.createTempFile(tempDir, "fetch", ".bin");
      RemoteMediaFetcher.Fetched fetched = fetcher.fetch(uri, into, 1 << 20, 5_000);
      assertArrayEquals(PNG_ISH, Files.readAllBytes(into));
      assertEquals("image/png", fetched.contentType());
      assertEquals("cat.png", fetched.fileName());
      assertEquals(1, transport.calls.get(), "the signed federation path answered");

      // The remote's cache: fetched once, then served locally.
      RemoteMediaCache cache = new RemoteMediaCache(new JdbcRemoteMediaStore(fx.database),
          new FileContentStore(tempDir.resolve("remote-cache")), fetcher, 1 << 20, Clock.systemUTC(),
          Executors.newCachedThreadPool());
      MediaContent first = cache.download(uri, 5_000).toCompletableFuture().join();
      assertArrayEquals(PNG_ISH, Files.readAllBytes(first.file()));
      assertEquals("cat.png", first.fileName());
      int callsAfterFirst = transport.calls.get();
      MediaContent second = cache.download(uri, 5_000).toCompletableFuture().join();
      assertEquals(first.file(), second.file());
      assertEquals(callsAfterFirst, transport.calls.get(), "the second download came from the cache");

      // Unknown media: the origin's 404 (on both paths) is the client's 404.
      ContentUri unknown = new ContentUri(new ServerName(ResidentFixture.SERVER), new MediaId("nothingHere"));
      CompletionException missing =
          assertThrows(CompletionException.class, () -> cache.download(unknown, 5_000).toCompletableFuture().join());
      assertTrue(missing.getCause() instanceof MatrixException e && e.httpStatus() == 404, missing.toString());
    }
  }

  @ParameterizedTest
  @EnumSource(TestDatabase.class)
  void theLegacyPathIsTheFallback(TestDatabase db) throws Exception {
    try (ResidentFixture fx = new ResidentFixture(db, tempDir)) {
      ContentUri uri = upload(fx, tempDir);
      Remote remote = fx.remote("remote.test");
      TestTransport transport =
          new TestTransport(fx.federation.baseUrl(), path -> path.startsWith("/_matrix/federation/"));
      FederationMediaFetcher fetcher =
          new FederationMediaFetcher("remote.test", remote.requests().keyId(), remote.requests().key(), transport);
      Path into = Files.createTempFile(tempDir, "fetch", ".bin");
      RemoteMediaFetcher.Fetched fetched = fetcher.fetch(uri, into, 1 << 20, 5_000);
      assertArrayEquals(PNG_ISH, Files.readAllBytes(into));
      assertEquals("image/png", fetched.contentType());
      assertEquals(2, transport.calls.get());

      // Too large for the caller's limit: refused, not truncated.
      assertThrows(dev.larch.core.federation.RemoteServerException.class,
          () -> fetcher.fetch(uri, Files.createTempFile(tempDir, "small", ".bin"), 4, 5_000));
      // Only our own media is served on the legacy path.
      TestTransport direct = new TestTransport(fx.federation.baseUrl(), path -> false);
      var other = direct.send(new dev.larch.federation.transport.TransportRequest("larch.test", "GET",
          "/_matrix/media/v3/download/remote.test/" + uri.mediaId().value(), Map.of(), new byte[0], 5_000)).join();
      assertEquals(404, other.status());
    }
  }

  @org.junit.jupiter.api.Test
  void multipartBodiesAreSplitIntoParts() {
    String body = "--b1\r\nContent-Type: application/json\r\n\r\n{}\r\n--b1\r\nContent-Type: text/plain\r\n"
        + "Content-Disposition: inline; filename=\"a.txt\"\r\n\r\nhello\r\n--b1--\r\n";
    var parts = Multipart.parse(body.getBytes(StandardCharsets.UTF_8), "b1");
    assertEquals(2, parts.size());
    assertEquals("{}", new String(parts.get(0).body(), StandardCharsets.UTF_8));
    assertEquals("hello", new String(parts.get(1).body(), StandardCharsets.UTF_8));
    assertEquals("a.txt", FederationMediaFetcher.fileName(parts.get(1).headers().get("content-disposition")));
    assertEquals("b1", Multipart.boundary("multipart/mixed; boundary=\"b1\"").orElseThrow());
    assertTrue(Multipart.boundary("application/json").isEmpty());
  }
}
