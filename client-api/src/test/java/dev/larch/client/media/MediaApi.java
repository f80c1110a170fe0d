package dev.larch.client.media;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.larch.client.ClientApi;
import dev.larch.client.ClientServices;
import dev.larch.client.ClientSettings;
import dev.larch.core.id.ServerName;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.media.MediaService;
import dev.larch.core.media.MediaSettings;
import dev.larch.core.media.RemoteMediaSource;
import dev.larch.core.user.AccountService;
import dev.larch.core.user.AccountSettings;
import dev.larch.core.user.PasswordHasher;
import dev.larch.storage.contract.TestDatabase;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.media.FileContentStore;
import dev.larch.storage.media.JdbcMediaStore;
import dev.larch.storage.user.JdbcAccountStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * The client API with the real media service, stores and files on a loopback port over one {@link TestDatabase},
 * plus a small HTTP client that sends and receives raw bytes.
 */
final class MediaApi implements AutoCloseable {
  static final String SERVER = "larch.test";

  final Database database;
  final FileContentStore files;
  final MediaService media;
  final String base;
  private final TestDatabase kind;
  private final String url;
  private final Vertx vertx;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private MediaApi(TestDatabase kind, String url, Database database, FileContentStore files, MediaService media,
      Vertx vertx, int port) {
    this.kind = kind;
    this.url = url;
    this.database = database;
    this.files = files;
    this.media = media;
    this.vertx = vertx;
    this.base = "http://127.0.0.1:" + port;
  }

  static MediaApi start(TestDatabase kind, Path tempDir, MediaSettings settings) throws Exception {
    String url = kind.createUrl(tempDir);
    Database database = Database.open(url, 4);
    SecureRandom random = new SecureRandom();
    AccountService accounts = new AccountService(new JdbcAccountStore(database), AccountSettings.defaults(SERVER),
        new PasswordHasher(PasswordHasher.FOR_TESTS, random), Clock.systemUTC(), random, List.of());
    FileContentStore files = new FileContentStore(tempDir.resolve("media"));
    Executor blocking = Executors.newCachedThreadPool(r -> {
      Thread thread = new Thread(r, "test-media");
      thread.setDaemon(true);
      return thread;
    });
    MediaService media = new MediaService(new JdbcMediaStore(database), files, settings, new ServerName(SERVER),
        RemoteMediaSource.NONE, Clock.systemUTC(), random, blocking);
    Vertx vertx = Vertx.vertx();
    ClientServices services =
        new ClientServices(ClientSettings.defaults(4), accounts, null, null, null, null, null, null, media);
    HttpServer server = vertx.createHttpServer().requestHandler(new ClientApi(services).router(vertx))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new MediaApi(kind, url, database, files, media, vertx, server.actualPort());
  }

  /** A response: status, raw body, headers. */
  record Response(int status, byte[] body, HttpHeaders headers) {
    JsonNode json() {
      try {
        return body.length == 0 ? MissingNode.getInstance() : JsonMapper.shared().readTree(body);
      } catch (IOException e) {
        return MissingNode.getInstance();
      }
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    Response assertError(int expectedStatus, String errcode) {
      assertEquals(expectedStatus, status, text());
      assertEquals(errcode, json().path("errcode").asText(null), text());
      return this;
    }

    JsonNode ok() {
      assertEquals(200, status, text());
      return json();
    }
  }

  HttpRequest.Builder request(String path, String token) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(20));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return request;
  }

  Response send(HttpRequest request) throws IOException, InterruptedException {
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    return new Response(response.statusCode(), response.body(), response.headers());
  }

  CompletableFuture<Response> sendAsync(HttpRequest request) {
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(r -> new Response(r.statusCode(), r.body(), r.headers()));
  }

  Response get(String path, String token) throws IOException, InterruptedException {
    return send(request(path, token).GET().build());
  }

  Response post(String path, String json, String token) throws IOException, InterruptedException {
    return send(request(path, token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build());
  }

  /** {@code POST /_matrix/media/v3/upload} of {@code bytes}; {@code contentType} null sends none. */
  Response upload(byte[] bytes, String contentType, String fileName, String token)
      throws IOException, InterruptedException {
    String path = "/_matrix/media/v3/upload"
        + (fileName == null ? "" : "?filename=" + java.net.URLEncoder.encode(fileName, StandardCharsets.UTF_8)
            .replace("+", "%20"));
    HttpRequest.Builder request = request(path, token).POST(HttpRequest.BodyPublishers.ofByteArray(bytes));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    return send(request.build());
  }

  /** Uploads and returns the media ID of the {@code content_uri}. */
  String uploadId(byte[] bytes, String contentType, String fileName, String token)
      throws IOException, InterruptedException {
    String uri = upload(bytes, contentType, fileName, token).ok().get("content_uri").asText();
    assertEquals("mxc://" + SERVER + "/", uri.substring(0, ("mxc://" + SERVER + "/").length()), uri);
    return uri.substring(uri.lastIndexOf('/') + 1);
  }

  /** Registers {@code localpart} through the dummy UIA flow and returns its access token. */
  String register(String localpart) throws IOException, InterruptedException {
    String body = "{\"username\":\"" + localpart + "\",\"password\":\"secret-password\"";
    Response first = post("/_matrix/client/v3/register", body + "}", null);
    String session = first.json().get("session").asText();
    return post("/_matrix/client/v3/register",
        body + ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}", null)
        .ok().get("access_token").asText();
  }

  long rows(String table) throws SQLException {
    DataSource dataSource = database.dataSource();
    try (Connection c = dataSource.getConnection();
        ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  long contentFiles() throws IOException {
    if (!Files.isDirectory(files.contentDirectory())) {
      return 0; // made with the first file
    }
    try (Stream<Path> walk = Files.walk(files.contentDirectory())) {
      return walk.filter(Files::isRegularFile).count();
    }
  }

  long tempFiles() throws IOException {
    if (!Files.isDirectory(files.tempDirectory())) {
      return 0;
    }
    try (Stream<Path> list = Files.list(files.tempDirectory())) {
      return list.count();
    }
  }

  /** Waits (polling, up to 10 s) until {@code condition} holds; for effects of a connection the server sees close. */
  static void await(BooleanSupplier condition, String what) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
    }
  }

  @Override
  public void close() throws Exception {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      database.close();
      kind.drop(url);
    }
  }
}
