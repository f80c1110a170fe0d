package dev.larch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.federation.keys.VerifiedKeyResponse;
import dev.larch.core.json.JsonMapper;
import dev.larch.federation.client.SigningFederationClient;
import dev.larch.federation.transport.HttpsFederationTransport;
import dev.larch.federation.transport.HttpsSettings;
import dev.larch.server.config.ConfigLoader;
import dev.larch.server.config.LarchConfig;
import dev.larch.server.identity.KeyFile;
import dev.larch.server.identity.NodeIdentity;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A classic node with {@code federation.listen}: the key API over TLS, never the client API; the well-known. */
class FederationListenerTest {
  @TempDir Path dataDir;

  @Test
  void aClassicNode_servesTheKeyApiOverTls_andTheWellKnownOnTheClientPort() throws Exception {
    LarchConfig config = ConfigLoader.parse(null, null, Map.of("data_dir", dataDir.toString(),
        "server_name", "localhost", "client.listen", "127.0.0.1:0", "federation.listen", "127.0.0.1:0",
        "federation.well_known_server", "localhost:8448", "overlay.multicast", "false"));
    NodeIdentity identity =
        NodeIdentity.of(KeyFile.loadOrCreate(config.dataPath(), new SecureRandom()), config.classicServerName());
    Vertx vertx = Vertx.vertx();
    try (LarchServer server = LarchServer.start(config, identity)) {
      int port = server.federationAddress().orElseThrow().port();
      FederationClient client = new SigningFederationClient("me.test", "ed25519:x",
          SigningKey.generate(new SecureRandom()), new HttpsFederationTransport(vertx,
          new HttpsSettings(false, true, HttpsSettings.DEFAULT_MAX_RESPONSE_BYTES, Duration.ofSeconds(5))));
      // An IP literal with a port: no DNS, no SNI.
      JsonNode keys = client.get("127.0.0.1:" + port, "/_matrix/key/v2/server");
      VerifiedKeyResponse.verify(keys, "localhost", System.currentTimeMillis());
      assertEquals(identity.keyId(), keys.path("verify_keys").fieldNames().next());

      RemoteServerException clientApi = assertThrows(RemoteServerException.class,
          () -> client.get("127.0.0.1:" + port, "/_matrix/client/versions"));
      assertEquals(404, clientApi.status().getAsInt());

      HttpResponse<String> wellKnown = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + server.clientAddress().port() + "/.well-known/matrix/server")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(200, wellKnown.statusCode());
      assertEquals("localhost:8448", JsonMapper.shared().readTree(wellKnown.body()).path("m.server").asText());
      assertTrue(Files.isRegularFile(dataDir.resolve("federation-tls.crt")));
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void withoutAListener_thereIsNoFederationPort_andNoWellKnown() throws Exception {
    LarchConfig config = ConfigLoader.parse(null, null, Map.of("data_dir", dataDir.toString(),
        "server_name", "localhost", "client.listen", "127.0.0.1:0", "overlay.multicast", "false"));
    NodeIdentity identity =
        NodeIdentity.of(KeyFile.loadOrCreate(config.dataPath(), new SecureRandom()), config.classicServerName());
    try (LarchServer server = LarchServer.start(config, identity)) {
      assertEquals(Optional.empty(), server.federationAddress());
      HttpResponse<String> wellKnown = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
          "http://127.0.0.1:" + server.clientAddress().port() + "/.well-known/matrix/server")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertEquals(404, wellKnown.statusCode());
      assertTrue(server.homeserver().serverKeys().verifyKey("localhost", identity.keyId(), 0).isPresent());
    }
  }
}
