package dev.larch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.larch.client.ClientApi;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.user.PasswordHasher;
import dev.larch.server.config.LarchConfig;
import dev.larch.storage.jdbc.Database;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The client API wired as {@link Homeserver} wires it, over an H2 file database, on a free loopback port, with a
 * small HTTP client for the sync tests. {@link #restart()} closes everything and opens the same database again.
 */
final class SyncTestServer implements AutoCloseable {
  static final String SERVER = "larch.test";

  private final String jdbcUrl;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicInteger txn = new AtomicInteger();
  private Vertx vertx;
  private Database database;
  private String base;

  SyncTestServer(String jdbcUrl) throws Exception {
    this.jdbcUrl = jdbcUrl;
    open();
  }

  private void open() throws Exception {
    database = Database.open(jdbcUrl, 8);
    vertx = Vertx.vertx();
    var services = Homeserver.clientServices(database, LarchConfig.defaults(), SERVER, PasswordHasher.FOR_TESTS);
    HttpServer server = vertx.createHttpServer().requestHandler(new ClientApi(services).router(vertx))
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    base = "http://127.0.0.1:" + server.actualPort();
  }

  /** Stops the server and closes the database, then opens both again on the same file. */
  void restart() throws Exception {
    close();
    open();
  }

  @Override
  public void close() throws ExecutionException, TimeoutException {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      database.close();
    }
  }

  /** A response: status and JSON body. */
  record Response(int status, JsonNode json, String text) {
    String errcode() {
      return json.path("errcode").asText(null);
    }

    Response assertError(int expectedStatus, String expectedErrcode) {
      assertEquals(expectedStatus, status, text);
      assertEquals(expectedErrcode, errcode(), text);
      return this;
    }

    JsonNode ok() {
      assertEquals(200, status, text);
      return json;
    }
  }

  /** A logged-in user. */
  record User(String userId, String token) {}

  CompletableFuture<Response> callAsync(String method, String path, String body, String token, Duration timeout) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).timeout(timeout)
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofString()).thenApply(response -> {
      JsonNode json;
      try {
        json = response.body().isEmpty() ? MissingNode.getInstance() : JsonMapper.shared().readTree(response.body());
      } catch (Exception e) {
        json = MissingNode.getInstance();
      }
      return new Response(response.statusCode(), json, response.body());
    });
  }

  Response call(String method, String path, String body, String token) throws Exception {
    return callAsync(method, path, body, token, Duration.ofSeconds(20)).get(30, TimeUnit.SECONDS);
  }

  Response get(String path, String token) throws Exception {
    return call("GET", path, null, token);
  }

  Response put(String path, String body, String token) throws Exception {
    return call("PUT", path, body, token);
  }

  Response post(String path, String body, String token) throws Exception {
    return call("POST", path, body, token);
  }

  static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  /** Registers through the dummy UIA flow. */
  User register(String localpart) throws Exception {
    String body = "{\"username\":\"" + localpart + "\",\"password\":\"correct horse battery\"";
    Response first = post("/_matrix/client/v3/register", body + "}", null);
    String session = first.json().get("session").asText();
    JsonNode done = post("/_matrix/client/v3/register",
        body + ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}", null).ok();
    return new User(done.get("user_id").asText(), done.get("access_token").asText());
  }

  /** A room created by {@code creator} that each of {@code others} was invited to and joined. */
  String room(User creator, User... others) throws Exception {
    String roomId = post("/_matrix/client/v3/createRoom", "{}", creator.token()).ok().get("room_id").asText();
    for (User other : others) {
      post("/_matrix/client/v3/rooms/" + enc(roomId) + "/invite", "{\"user_id\":\"" + other.userId() + "\"}",
          creator.token()).ok();
      post("/_matrix/client/v3/rooms/" + enc(roomId) + "/join", "{}", other.token()).ok();
    }
    return roomId;
  }

  String send(User sender, String roomId, String body) throws Exception {
    return put("/_matrix/client/v3/rooms/" + enc(roomId) + "/send/m.room.message/t" + txn.incrementAndGet(),
        "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}", sender.token()).ok().get("event_id").asText();
  }

  JsonNode sync(User user, String query) throws Exception {
    return get("/_matrix/client/v3/sync" + (query.isEmpty() ? "" : "?" + query), user.token()).ok();
  }
}
