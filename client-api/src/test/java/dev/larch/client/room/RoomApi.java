package dev.larch.client.room;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.larch.client.ClientApi;
import dev.larch.client.ClientSettings;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.user.AccountService;
import dev.larch.core.user.AccountSettings;
import dev.larch.core.user.PasswordHasher;
import dev.larch.storage.contract.TestDatabase;
import dev.larch.storage.user.JdbcAccountStore;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The client API with the room services on a loopback port over {@link TestRooms}, and a small HTTP client. */
final class RoomApi implements AutoCloseable {
  final TestRooms rooms;
  private final Vertx vertx;
  private final String base;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private RoomApi(TestRooms rooms, Vertx vertx, int port) {
    this.rooms = rooms;
    this.vertx = vertx;
    this.base = "http://127.0.0.1:" + port + "/_matrix/client/v3";
  }

  static RoomApi start(TestDatabase kind, Path tempDir) throws Exception {
    TestRooms rooms = TestRooms.open(kind, tempDir);
    SecureRandom random = new SecureRandom();
    AccountService accounts = new AccountService(new JdbcAccountStore(rooms.database),
        AccountSettings.defaults(TestRooms.SERVER), new PasswordHasher(PasswordHasher.FOR_TESTS, random),
        Clock.systemUTC(), random, List.of());
    Vertx vertx = Vertx.vertx();
    var router = new ClientApi(rooms.clientServices(ClientSettings.defaults(4), accounts)).router(vertx);
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new RoomApi(rooms, vertx, server.actualPort());
  }

  /** A response's status and JSON body. */
  record Response(int status, JsonNode json, String text) {
    Response error(int expectedStatus, String expectedErrcode) {
      assertEquals(expectedStatus, status, text);
      assertEquals(expectedErrcode, json.path("errcode").asText(null), text);
      return this;
    }

    JsonNode ok() {
      assertEquals(200, status, text);
      return json;
    }
  }

  Response call(String method, String path, String body, String token) throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
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
    return new Response(response.statusCode(), json, response.body());
  }

  /** Registers {@code localpart} with the dummy flow and returns its access token. */
  String register(String localpart) throws IOException, InterruptedException {
    String body = "{\"username\":\"" + localpart + "\",\"password\":\"pw-" + localpart + "-long\"";
    Response first = call("POST", "/register", body + "}", null);
    String session = first.json().path("session").asText();
    return call("POST", "/register",
        body + ",\"auth\":{\"type\":\"m.login.dummy\",\"session\":\"" + session + "\"}}", null)
        .ok().get("access_token").asText();
  }

  static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  @Override
  public void close() throws Exception {
    try {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      rooms.close();
    }
  }
}
