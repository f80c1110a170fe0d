package dev.larch.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.larch.client.http.Endpoints;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.user.AccountService;
import dev.larch.core.user.AccountSettings;
import dev.larch.core.user.PasswordHasher;
import dev.larch.storage.contract.TestDatabase;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.user.JdbcAccountStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * The client API on a free loopback port over a fresh database of one {@link TestDatabase} kind, with the real
 * services and stores, plus a small HTTP client. Cheap password hashing; everything else as in production.
 */
public final class TestClientApi implements AutoCloseable {
  public static final String SERVER = "larch.test";

  private final TestDatabase kind;
  private final String url;
  private final Database database;
  private final AccountService accounts;
  private final Vertx vertx;
  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestClientApi(TestDatabase kind, String url, Database database, AccountService accounts, Vertx vertx,
      int port) {
    this.kind = kind;
    this.url = url;
    this.database = database;
    this.accounts = accounts;
    this.vertx = vertx;
    this.base = "http://127.0.0.1:" + port;
  }

  /** Starts with default settings. */
  public static TestClientApi start(TestDatabase kind, Path tempDir) throws Exception {
    return start(kind, tempDir, AccountSettings.defaults(SERVER), ClientSettings.defaults(4), (r, e) -> {});
  }

  /**
   * Starts with these settings; {@code extraRoutes} may add test routes, given an {@link Endpoints} like the API's.
   */
  public static TestClientApi start(TestDatabase kind, Path tempDir, AccountSettings accountSettings,
      ClientSettings clientSettings, BiConsumer<Router, Endpoints> extraRoutes) throws Exception {
    String url = kind.createUrl(tempDir);
    Database database = Database.open(url, 4);
    SecureRandom random = new SecureRandom();
    AccountService accounts = new AccountService(new JdbcAccountStore(database), accountSettings,
        new PasswordHasher(PasswordHasher.FOR_TESTS, random), Clock.systemUTC(), random, List.of());
    Vertx vertx = Vertx.vertx();
    Router router = new ClientApi(new ClientServices(clientSettings, accounts)).router(vertx);
    extraRoutes.accept(router, new Endpoints(vertx.createSharedWorkerExecutor("test-extra", 2), accounts));
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new TestClientApi(kind, url, database, accounts, vertx, server.actualPort());
  }

  public AccountService accounts() {
    return accounts;
  }

  public String base() {
    return base;
  }

  /** A response: its status, its body as JSON (missing if not JSON), and its headers. */
  public record Response(int status, JsonNode json, HttpHeaders headers, String text) {
    public String errcode() {
      return json.path("errcode").asText(null);
    }

    /** Asserts the status and errcode, and returns this. */
    public Response assertError(int expectedStatus, String expectedErrcode) {
      assertEquals(expectedStatus, status, text);
      assertEquals(expectedErrcode, errcode(), text);
      return this;
    }

    /** Asserts status 200 and returns the body. */
    public JsonNode ok() {
      assertEquals(200, status, text);
      return json;
    }
  }

  /** A registered user's session. */
  public record Account(String userId, String accessToken, String deviceId) {}

  public Response call(String method, String path, String body, String token) throws IOException,
      InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (body != null) {
      request.header("Content-Type", "application/json");
    }
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json;
    try {
      json = response.body().isEmpty() ? MissingNode.getInstance() : JsonMapper.shared().readTree(response.body());
    } catch (IOException e) {
      json = MissingNode.getInstance();
    }
    return new Response(response.statusCode(), json, response.headers(), response.body());
  }

  public Response get(String path, String token) throws IOException, InterruptedException {
    return call("GET", path, null, token);
  }

  public Response post(String path, String body, String token) throws IOException, InterruptedException {
    return call("POST", path, body, token);
  }

  /** Registers {@code localpart} through the dummy UIA flow, as matrix-js-sdk does (two rounds). */
  public Account register(String localpart, String password) throws IOException, InterruptedException {
    String body = "{\"username\":\"" + localpart + "\",\"password\":\"" + password + "\"";
    Response first = post("/_matrix/client/v3/register", body + "}", null);
    assertEquals(401, first.status(), first.text());
    String session = first.json().get("session").asText();
    JsonNode done = post("/_matrix/client/v3/register",
        body + ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}", null).ok();
    return new Account(done.get("user_id").asText(), done.get("access_token").asText(),
        done.get("device_id").asText());
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
