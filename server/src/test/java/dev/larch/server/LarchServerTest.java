package dev.larch.server;

import static java.util.concurrent.TimeUnit.SECONDS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.json.JsonMapper;
import dev.larch.server.config.ConfigLoader;
import dev.larch.server.config.LarchConfig;
import dev.larch.server.identity.KeyFile;
import dev.larch.server.identity.NodeIdentity;
import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The running server on a free port, driven over real HTTP. */
class LarchServerTest {
  @TempDir Path dataDir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private LarchServer server;
  private String base;

  @BeforeEach
  void start() throws Exception {
    // Loopback only and never multicast: tests must not touch the LAN.
    LarchConfig config =
        ConfigLoader.parse(null, null, Map.of("data_dir", dataDir.toString(), "client.listen", "127.0.0.1:0",
            "overlay.listen", "127.0.0.1:0", "overlay.multicast", "false"));
    NodeIdentity identity =
        NodeIdentity.of(KeyFile.loadOrCreate(config.dataPath(), new SecureRandom()), config.classicServerName());
    server = LarchServer.start(config, identity);
    base = "http://127.0.0.1:" + server.clientAddress().port();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private HttpResponse<String> send(String method, String path) throws IOException, InterruptedException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(base + path))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .header("Origin", "https://app.element.io")
            .timeout(Duration.ofSeconds(5))
            .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static JsonNode json(HttpResponse<String> response) throws IOException {
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    return JsonMapper.shared().readTree(response.body());
  }

  private static void assertCors(HttpResponse<String> response) {
    assertEquals("*", response.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    assertEquals(
        "GET, POST, PUT, DELETE, OPTIONS", response.headers().firstValue("Access-Control-Allow-Methods").orElse(null));
    assertEquals(
        "X-Requested-With, Content-Type, Authorization",
        response.headers().firstValue("Access-Control-Allow-Headers").orElse(null));
  }

  @Test
  void start_onPortZero_bindsARealPort() {
    assertTrue(server.clientAddress().port() > 0);
  }

  @Test
  void clientVersions_listsR0AndV1Versions() throws Exception {
    HttpResponse<String> response = send("GET", "/_matrix/client/versions");

    assertEquals(200, response.statusCode());
    assertCors(response);
    JsonNode body = json(response);
    List<String> versions = new ArrayList<>();
    body.get("versions").forEach(v -> versions.add(v.asText()));
    assertEquals("r0.0.1", versions.get(0));
    assertTrue(versions.containsAll(List.of("r0.6.1", "v1.1", "v1.10", "v1.11")), versions.toString());
    assertEquals(19, versions.size());
    assertTrue(body.get("unstable_features").isObject());
    assertEquals(0, body.get("unstable_features").size());
  }

  @Test
  void federationVersion_namesLarch() throws Exception {
    HttpResponse<String> response = send("GET", "/_matrix/federation/v1/version");

    assertEquals(200, response.statusCode());
    assertEquals(
        JsonMapper.shared().readTree("{\"server\":{\"name\":\"Larch\",\"version\":\"0.1.0\"}}"), json(response));
  }

  @Test
  void unknownClientPath_is404Unrecognized_withCors() throws Exception {
    HttpResponse<String> response = send("GET", "/_matrix/client/v3/nonsense");

    assertEquals(404, response.statusCode());
    assertCors(response);
    assertEquals("M_UNRECOGNIZED", json(response).get("errcode").asText());
  }

  @Test
  void unknownFederationPath_is404Unrecognized() throws Exception {
    HttpResponse<String> response = send("GET", "/_matrix/federation/v1/nonsense");

    assertEquals(404, response.statusCode());
    assertEquals("M_UNRECOGNIZED", json(response).get("errcode").asText());
  }

  @Test
  void wrongMethod_is405Unrecognized() throws Exception {
    HttpResponse<String> client = send("POST", "/_matrix/client/versions");
    HttpResponse<String> federation = send("DELETE", "/_matrix/federation/v1/version");

    assertEquals(405, client.statusCode());
    assertEquals("M_UNRECOGNIZED", json(client).get("errcode").asText());
    assertEquals(405, federation.statusCode());
    assertEquals("M_UNRECOGNIZED", json(federation).get("errcode").asText());
  }

  @Test
  void preflight_isAnsweredWithCorsHeaders_evenForUnknownPaths() throws Exception {
    for (String path : List.of("/_matrix/client/versions", "/_matrix/client/v3/login", "/anything")) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(base + path))
              .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
              .header("Origin", "https://app.element.io")
              .header("Access-Control-Request-Method", "POST")
              .header("Access-Control-Request-Headers", "authorization, content-type")
              .build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());

      assertEquals(204, response.statusCode(), path);
      assertCors(response);
    }
  }

  @Test
  void close_stopsListening_andIsIdempotent() throws Exception {
    int port = server.clientAddress().port();
    server.close();
    server.close();

    assertThrows(ConnectException.class, () -> send("GET", "/_matrix/client/versions"));
    // The port is free again: a restart on the same port would succeed.
    try (ServerSocket socket = new ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
      assertEquals(port, socket.getLocalPort());
    }
  }

  @Test
  void start_onBusyPort_failsWithMessageNamingKey() throws Exception {
    LarchConfig busy =
        ConfigLoader.parse(null, null, Map.of("data_dir", dataDir.toString(),
            "client.listen", "127.0.0.1:" + server.clientAddress().port(),
            "overlay.listen", "127.0.0.1:0", "overlay.multicast", "false"));
    NodeIdentity identity = NodeIdentity.of(KeyFile.loadOrCreate(dataDir, new SecureRandom()), busy.classicServerName());

    StartException e = assertThrows(StartException.class, () -> LarchServer.start(busy, identity));
    assertTrue(e.getMessage().startsWith("cannot listen on client.listen 127.0.0.1:"), e.getMessage());
  }

  @Test
  void start_onBusyOverlayPort_failsWithMessageNamingKey() throws Exception {
    LarchConfig busy =
        ConfigLoader.parse(null, null, Map.of("data_dir", dataDir.toString(), "client.listen", "127.0.0.1:0",
            "overlay.listen", "127.0.0.1:" + server.overlayTcpPort(), "overlay.multicast", "false"));
    NodeIdentity identity = NodeIdentity.of(KeyFile.loadOrCreate(dataDir, new SecureRandom()), busy.classicServerName());

    StartException e = assertThrows(StartException.class, () -> LarchServer.start(busy, identity));
    assertTrue(e.getMessage().startsWith("cannot listen on overlay.listen 127.0.0.1:"), e.getMessage());
  }

  @Test
  void pinecone_servesTheRouterAsJson_keyedByTheServerName() throws Exception {
    HttpResponse<String> response = send("GET", "/pinecone");

    assertEquals(200, response.statusCode());
    assertCors(response);
    JsonNode body = json(response);
    String serverName = NodeIdentity.of(KeyFile.loadOrCreate(dataDir, new SecureRandom()), Optional.empty())
        .serverName();
    assertEquals(serverName, body.get("public_key").asText());
    assertEquals(serverName, body.get("root").get("root_public_key").asText(), "alone, it is its own root");
    assertTrue(body.get("peers").isObject());
  }

  @Test
  void webSocket_atWs_speaksPinecone_elsewhereIsRefused() throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      WebSocketClient client = vertx.createWebSocketClient();
      int port = server.clientAddress().port();
      CompletableFuture<Integer> firstMessage = new CompletableFuture<>();
      // The handler is set in the connect callback, on the event loop, so no message can slip past it.
      WebSocket ws =
          client.connect(port, "127.0.0.1", "/ws")
              .onSuccess(socket -> socket.binaryMessageHandler(b -> firstMessage.complete(b.length())))
              .toCompletionStage().toCompletableFuture().get(5, SECONDS);
      assertEquals(104, firstMessage.get(5, SECONDS), "the overlay greets with its 104-byte handshake");
      ws.close();

      ExecutionException refused =
          assertThrows(ExecutionException.class,
              () -> client.connect(port, "127.0.0.1", "/other").toCompletionStage().toCompletableFuture()
                  .get(5, SECONDS));
      assertTrue(refused.getCause() instanceof UpgradeRejectedException, refused.toString());
      assertEquals(404, ((UpgradeRejectedException) refused.getCause()).getStatus());
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(5, SECONDS);
    }
  }

  @Test
  void classicMode_runsNoOverlay() throws Exception {
    LarchConfig classic =
        ConfigLoader.parse(null, null, Map.of("data_dir", dataDir.resolve("classic").toString(),
            "client.listen", "127.0.0.1:0", "server_name", "example.org"));
    NodeIdentity identity =
        NodeIdentity.of(KeyFile.loadOrCreate(classic.dataPath(), new SecureRandom()), classic.classicServerName());
    try (LarchServer node = LarchServer.start(classic, identity)) {
      assertEquals(-1, node.overlayTcpPort());
      HttpRequest request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + node.clientAddress().port() + "/pinecone")).build();
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      assertEquals(404, response.statusCode());
      assertEquals("M_UNRECOGNIZED", json(response).get("errcode").asText());
    }
  }
}
