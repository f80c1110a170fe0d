package dev.larch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.client.ClientApi;
import dev.larch.client.ClientServices;
import dev.larch.core.user.PasswordHasher;
import dev.larch.server.config.LarchConfig;
import dev.larch.storage.jdbc.Database;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.JsonMapper;
import dev.larch.federation.FederationApi;
import dev.larch.core.crypto.SigningKey;
import dev.larch.server.federation.FederationStack;
import dev.larch.server.identity.Mode;
import dev.larch.server.identity.NodeIdentity;
import java.security.SecureRandom;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both APIs' failure handlers, through routes that fail on purpose: the same failure must give the same body on the
 * client and the federation router.
 */
class ErrorMappingTest {
  private final HttpClient http = HttpClient.newHttpClient();
  private Vertx vertx;
  private Database database;
  private int clientPort;
  private int federationPort;

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    database = Database.open("jdbc:h2:mem:error-mapping-" + UUID.randomUUID(), 2);
    ClientServices services =
        Homeserver.clientServices(database, LarchConfig.defaults(), "test.example", PasswordHasher.FOR_TESTS);
    clientPort = listen(new ClientApi(services).router(vertx));
    NodeIdentity identity = new NodeIdentity(Mode.CLASSIC, "test.example", "ed25519:test",
        SigningKey.generate(new SecureRandom()));
    federationPort = listen(new FederationApi(FederationStack.create(LarchConfig.defaults(), identity, database, vertx)
        .services("test", 4)).router(vertx));
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    database.close();
  }

  private int listen(Router router) throws Exception {
    router.get("/fail/matrix").handler(ctx -> {
      throw MatrixException.limitExceeded(1234);
    });
    router.get("/fail/bug").handler(ctx -> {
      throw new IllegalStateException("SELECT secret FROM /var/lib/larch");
    });
    router.get("/fail/status").handler(ctx -> ctx.fail(413));
    HttpServer server =
        vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
            .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return server.actualPort();
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build();
    return http.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"client", "federation"})
  void matrixException_givesItsStatusErrcodeAndExtraFields(String api) throws Exception {
    HttpResponse<String> response = get(port(api), "/fail/matrix");

    assertEquals(429, response.statusCode());
    JsonNode body = JsonMapper.shared().readTree(response.body());
    assertEquals("M_LIMIT_EXCEEDED", body.get("errcode").asText());
    assertEquals("Too many requests", body.get("error").asText());
    assertEquals(1234, body.get("retry_after_ms").asLong());
  }

  @ParameterizedTest
  @ValueSource(strings = {"client", "federation"})
  void unexpectedException_gives500WithoutInternals(String api) throws Exception {
    HttpResponse<String> response = get(port(api), "/fail/bug");

    assertEquals(500, response.statusCode());
    JsonNode body = JsonMapper.shared().readTree(response.body());
    assertEquals("M_UNKNOWN", body.get("errcode").asText());
    assertEquals("Internal server error", body.get("error").asText());
    assertTrue(body.get("dev.larch.error_id").asText().matches("[0-9a-f]{8}"), response.body());
    assertFalse(response.body().contains("secret"), response.body());
  }

  @ParameterizedTest
  @ValueSource(strings = {"client", "federation"})
  void bareStatus_keepsStatusWithMatchingErrcode(String api) throws Exception {
    HttpResponse<String> response = get(port(api), "/fail/status");

    assertEquals(413, response.statusCode());
    assertEquals("M_TOO_LARGE", JsonMapper.shared().readTree(response.body()).get("errcode").asText());
  }

  private int port(String api) {
    return api.equals("client") ? clientPort : federationPort;
  }
}
