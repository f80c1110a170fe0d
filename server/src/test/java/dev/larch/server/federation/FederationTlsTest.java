package dev.larch.server.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.federation.keys.ServerKeys;
import dev.larch.core.federation.keys.VerifiedKeyResponse;
import dev.larch.federation.FederationApi;
import dev.larch.federation.client.SigningFederationClient;
import dev.larch.federation.http.FederationEndpoints;
import dev.larch.federation.transport.HttpsFederationTransport;
import dev.larch.federation.transport.HttpsSettings;
import dev.larch.server.config.ConfigLoader;
import dev.larch.server.config.HostPort;
import dev.larch.server.config.LarchConfig;
import dev.larch.server.identity.Mode;
import dev.larch.server.identity.NodeIdentity;
import dev.larch.storage.federation.keys.JdbcServerKeyStore;
import dev.larch.storage.jdbc.Database;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two nodes' federation stacks behind real TLS listeners on loopback (self-signed certificates, verification off,
 * loopback allowed): signed requests between them over HTTPS, the receiver fetching the sender's key over HTTPS
 * through its key ring to authenticate it.
 */
class FederationTlsTest {
  @TempDir Path tempDir;
  private Vertx vertx;
  private final List<AutoCloseable> closing = new ArrayList<>();

  /** One node: its name ({@code localhost:PORT}), identity, stack and database. */
  private record Node(String name, NodeIdentity identity, FederationStack stack, Database database) {}

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    for (AutoCloseable c : closing) {
      c.close();
    }
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static LarchConfig config(Path dataDir, int port) throws Exception {
    return ConfigLoader.parse(null, null, Map.of("data_dir", dataDir.toString(),
        "federation.listen", "127.0.0.1:" + port, "federation.verify_certificates", "false",
        "federation.allow_loopback", "true"));
  }

  /** A node listening on a free loopback port, with a signed echo route besides the real ones. */
  private Node node(String label) throws Exception {
    int port = freePort();
    String name = "localhost:" + port;
    Path dataDir = Files.createDirectories(tempDir.resolve(label));
    LarchConfig config = config(dataDir, port);
    NodeIdentity identity =
        new NodeIdentity(Mode.CLASSIC, name, "ed25519:a_" + label, SigningKey.generate(new SecureRandom()));
    Database database = Database.open("jdbc:h2:mem:fed-tls-" + UUID.randomUUID(), 4);
    FederationStack stack = FederationStack.create(config, identity, database, vertx);
    closing.add(stack);
    closing.add(database);
    Router router = new FederationApi(stack.services("test", 4)).router(vertx);
    FederationEndpoints endpoints =
        new FederationEndpoints(vertx.createSharedWorkerExecutor("echo", 4), stack.authenticator());
    router.put("/_matrix/federation/v1/echo/:id").handler(endpoints.signed(request -> Map.of(
        "origin", request.origin(), "id", request.path("id"), "body", request.json())));
    HttpServer server = FederationListener.start(vertx, new HostPort("127.0.0.1", port),
        FederationListener.certificate(config.federation(), dataDir, "localhost"), router)
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(port, server.actualPort());
    return new Node(name, identity, stack, database);
  }

  private FederationClient clientWith(NodeIdentity as, HttpsSettings settings) {
    HttpsFederationTransport transport = new HttpsFederationTransport(vertx, settings);
    closing.add(transport);
    return new SigningFederationClient(as.serverName(), as.keyId(), as.signingKey(), transport);
  }

  @Test
  void signedRequestsOverTls_areAuthenticatedWithTheSendersKeyFetchedOverHttps() throws Exception {
    Node a = node("a");
    Node b = node("b");

    JsonNode version = a.stack().client().get(b.name(), "/_matrix/federation/v1/version");
    assertEquals("Larch", version.path("server").path("name").asText());

    ObjectNode body = JsonNodeFactory.instance.objectNode().put("n", 42);
    JsonNode echo = a.stack().client().request(b.name(), "PUT", "/_matrix/federation/v1/echo/x%20y?z=1", body);
    assertEquals(a.name(), echo.path("origin").asText());
    assertEquals("x y", echo.path("id").asText());
    assertEquals(42, echo.path("body").path("n").asInt());

    // B learnt A's key by fetching A's key API over HTTPS, and stored it.
    VerifyKey aKey = VerifyKey.of(a.identity().keyId(), a.identity().signingKey());
    assertEquals(List.of(aKey), new JdbcServerKeyStore(b.database()).keys(a.name()).stream().map(k -> k.key())
        .toList());
    assertEquals(aKey, b.stack().serverKeys().verifyKey(a.name(), a.identity().keyId(), ServerKeys.ANY_TIME)
        .orElseThrow());

    // And B, as a notary, vouches for A's keys over HTTPS.
    JsonNode query = a.stack().client().get(b.name(), "/_matrix/key/v2/query/" + a.name());
    ObjectNode entry = (ObjectNode) query.path("server_keys").get(0);
    VerifiedKeyResponse.verify(entry, a.name(), System.currentTimeMillis());
    assertTrue(VerifiedKeyResponse.signedBy(entry, b.name(),
        VerifyKey.of(b.identity().keyId(), b.identity().signingKey())));
  }

  @Test
  void aRequestSignedWithAnotherKey_isRefusedWithUnauthorized() throws Exception {
    Node a = node("a");
    Node b = node("b");
    NodeIdentity impostor = new NodeIdentity(Mode.CLASSIC, a.name(), a.identity().keyId(),
        SigningKey.generate(new SecureRandom()));
    FederationClient forger = clientWith(impostor,
        new HttpsSettings(false, true, HttpsSettings.DEFAULT_MAX_RESPONSE_BYTES, Duration.ofSeconds(5)));
    RemoteServerException e = assertThrows(RemoteServerException.class, () -> forger.request(b.name(), "PUT",
        "/_matrix/federation/v1/echo/1", JsonNodeFactory.instance.objectNode()));
    assertEquals(401, e.status().getAsInt());
    assertEquals("M_UNAUTHORIZED", e.errcode().orElseThrow());
    // An unsigned request to a signed route, and the client API on the federation port: neither is served.
    RemoteServerException notFound = assertThrows(RemoteServerException.class,
        () -> a.stack().client().get(b.name(), "/_matrix/client/versions"));
    assertEquals(404, notFound.status().getAsInt());
    assertEquals("M_UNRECOGNIZED", notFound.errcode().orElseThrow());
  }

  @Test
  void certificatesAreVerifiedByDefault_andLoopbackIsRefusedUnlessAllowed() throws Exception {
    Node b = node("b");
    NodeIdentity me = new NodeIdentity(Mode.CLASSIC, "me.test", "ed25519:x", SigningKey.generate(new SecureRandom()));
    FederationClient verifying = clientWith(me,
        new HttpsSettings(true, true, HttpsSettings.DEFAULT_MAX_RESPONSE_BYTES, Duration.ofSeconds(5)));
    RemoteServerException untrusted = assertThrows(RemoteServerException.class,
        () -> verifying.get(b.name(), "/_matrix/federation/v1/version"));
    assertEquals(RemoteServerException.Kind.UNREACHABLE, untrusted.kind());

    FederationClient defaults = clientWith(me, HttpsSettings.defaults());
    RemoteServerException loopback = assertThrows(RemoteServerException.class,
        () -> defaults.get(b.name(), "/_matrix/federation/v1/version"));
    assertEquals(RemoteServerException.Kind.UNREACHABLE, loopback.kind());
    assertTrue(loopback.getMessage().contains("loopback"), loopback.getMessage());
  }

  @Test
  void anOverLongResponse_isABadResponse() throws Exception {
    Node b = node("b");
    NodeIdentity me = new NodeIdentity(Mode.CLASSIC, "me.test", "ed25519:x", SigningKey.generate(new SecureRandom()));
    FederationClient tiny = clientWith(me, new HttpsSettings(false, true, 16, Duration.ofSeconds(5)));
    RemoteServerException e = assertThrows(RemoteServerException.class,
        () -> tiny.get(b.name(), "/_matrix/key/v2/server"));
    assertEquals(RemoteServerException.Kind.BAD_RESPONSE, e.kind());
  }

  @Test
  void theSelfSignedCertificate_isKeptInTheDataDir_andReused() throws Exception {
    Path dataDir = Files.createDirectories(tempDir.resolve("cert"));
    LarchConfig config = config(dataDir, 8448);
    FederationListener.certificate(config.federation(), dataDir, "example.org");
    Path certificate = dataDir.resolve(SelfSignedCertificate.CERTIFICATE_FILE);
    Path key = dataDir.resolve(SelfSignedCertificate.KEY_FILE);
    String first = Files.readString(certificate);
    assertTrue(first.startsWith("-----BEGIN CERTIFICATE-----"));
    assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(key)));
    FederationListener.certificate(config.federation(), dataDir, "example.org");
    assertEquals(first, Files.readString(certificate));
  }
}
