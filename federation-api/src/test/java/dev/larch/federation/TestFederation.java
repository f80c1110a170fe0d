package dev.larch.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.federation.auth.RequestAuthenticator;
import dev.larch.core.federation.auth.RequestSignature;
import dev.larch.core.federation.keys.ServerKeys;
import dev.larch.core.json.JsonMapper;
import dev.larch.federation.http.FederationEndpoints;
import dev.larch.http.MatrixErrorHandler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;

/**
 * Federation routes on a free loopback port, authenticating requests against in-memory keys, plus fake remote
 * servers that sign their requests with keys of their own: the harness for route tests. Everything but the key
 * store is real (X-Matrix parsing and checking, threading, error mapping).
 */
public final class TestFederation implements AutoCloseable {
  /** The name of the server under test. */
  public static final String SERVER = "larch.test";

  private final Vertx vertx;
  private final WorkerExecutor workers;
  private final int port;
  private final Map<String, VerifyKey> keys;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TestFederation(Vertx vertx, WorkerExecutor workers, int port, Map<String, VerifyKey> keys) {
    this.vertx = vertx;
    this.workers = workers;
    this.port = port;
    this.keys = keys;
  }

  /** Starts a server whose routes {@code mount} adds, with the body handler and error handler around them. */
  public static TestFederation start(BiConsumer<Router, FederationEndpoints> mount) throws Exception {
    Map<String, VerifyKey> keys = new ConcurrentHashMap<>();
    ServerKeys serverKeys = (server, keyId, at) -> Optional.ofNullable(keys.get(server + " " + keyId));
    Vertx vertx = Vertx.vertx();
    WorkerExecutor workers = vertx.createSharedWorkerExecutor("test-federation", 4);
    FederationEndpoints endpoints =
        new FederationEndpoints(workers, new RequestAuthenticator(SERVER, serverKeys, Clock.systemUTC()));
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(1 << 20));
    mount.accept(router, endpoints);
    MatrixErrorHandler.install(router);
    HttpServer server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    return new TestFederation(vertx, workers, server.actualPort(), keys);
  }

  /** A fake remote server whose key this server knows (as if fetched). */
  public Remote remote(String serverName) {
    Remote remote = new Remote(serverName, "ed25519:test", SigningKey.generate(new SecureRandom()));
    keys.put(serverName + " " + remote.keyId, VerifyKey.of(remote.keyId, remote.key));
    return remote;
  }

  /** A fake remote server whose key this server does not know. */
  public Remote unknownRemote(String serverName) {
    return new Remote(serverName, "ed25519:test", SigningKey.generate(new SecureRandom()));
  }

  public String baseUrl() {
    return "http://127.0.0.1:" + port;
  }

  /** A response: status and parsed JSON body ({@link MissingNode} if not JSON). */
  public record Response(int status, JsonNode json) {}

  /** A remote server sending signed requests to the server under test. */
  public final class Remote {
    private final String name;
    private final String keyId;
    private final SigningKey key;

    private Remote(String name, String keyId, SigningKey key) {
      this.name = name;
      this.keyId = keyId;
      this.key = key;
    }

    public String name() {
      return name;
    }

    public SigningKey key() {
      return key;
    }

    public String keyId() {
      return keyId;
    }

    /** Sends a request signed for the server under test; {@code uri} is raw (percent-encoded) path and query. */
    public Response send(String method, String uri, ObjectNode body) {
      return sendSignedFor(SERVER, method, uri, body);
    }

    /** Sends a request signed as if for {@code destination} (to test misdirected requests). */
    public Response sendSignedFor(String destination, String method, String uri, ObjectNode body) {
      String auth = RequestSignature.sign(method, uri, name, destination, body, keyId, key).format();
      return TestFederation.this.send(method, uri, body, auth);
    }
  }

  /** Sends a request with the given {@code Authorization} header (or none when null). */
  public Response send(String method, String uri, ObjectNode body, String authorization) {
    try {
      HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(baseUrl() + uri))
          .timeout(Duration.ofSeconds(30))
          .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(JsonMapper.shared().writeValueAsBytes(body)));
      if (body != null) {
        request.header("Content-Type", "application/json");
      }
      if (authorization != null) {
        request.header("Authorization", authorization);
      }
      HttpResponse<byte[]> response = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
      JsonNode json;
      try {
        json = JsonMapper.shared().readTree(new String(response.body(), StandardCharsets.UTF_8));
      } catch (Exception e) {
        json = MissingNode.getInstance();
      }
      return new Response(response.statusCode(), json == null ? MissingNode.getInstance() : json);
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + uri + " failed", e);
    }
  }

  @Override
  public void close() throws Exception {
    workers.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
