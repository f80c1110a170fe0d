package dev.larch.server.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.crypto.SigningKey;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.federation.transport.TransportRequest;
import dev.larch.federation.transport.TransportResponse;
import dev.larch.server.config.OverlaySettings;
import dev.larch.server.identity.Mode;
import dev.larch.server.identity.NodeIdentity;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Two real nodes on loopback, B peered to A over TCP: federation HTTP from B reaches A's federation router over QUIC
 * sessions, only the federation prefixes are served, and A learns that B is around.
 */
class OverlayFederationTest {
  private Vertx vertx;
  private OverlayService a;
  private OverlayService b;
  private final List<String> seenByA = new CopyOnWriteArrayList<>();

  private static NodeIdentity identity() {
    SigningKey key = SigningKey.generate(new SecureRandom());
    return new NodeIdentity(Mode.P2P, HexFormat.of().formatHex(key.publicKey()), NodeIdentity.P2P_KEY_ID, key);
  }

  @BeforeEach
  void start() throws Exception {
    vertx = Vertx.vertx();
    a = await(OverlayService.start(vertx, identity(),
        new OverlaySettings(null, "127.0.0.1:0", List.of(), "false")).toCompletionStage().toCompletableFuture());
    a.peers().onSeen(seenByA::add);
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create());
    router.get("/_matrix/federation/v1/version").handler(ctx -> ctx.json(Map.of("server", Map.of("name", "A"))));
    router.put("/_matrix/federation/v1/echo").handler(ctx -> ctx.response()
        .putHeader("Content-Type", "application/json")
        .end("{\"host\":\"" + ctx.request().getHeader("Host") + "\",\"len\":" + ctx.body().length() + "}"));
    router.get("/_matrix/client/versions").handler(ctx -> ctx.json(Map.of("leak", true)));
    await(a.serveFederation(router).toCompletionStage().toCompletableFuture());
    b = await(OverlayService.start(vertx, identity(),
        new OverlaySettings(null, "127.0.0.1:0", List.of("127.0.0.1:" + a.tcpPort()), "false"))
        .toCompletionStage().toCompletableFuture());
  }

  @AfterEach
  void stop() throws Exception {
    b.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    a.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private TransportResponse send(String method, String uri, byte[] body) throws Exception {
    TransportRequest request = new TransportRequest(a.publicKeyHex(), method, uri,
        Map.of("Content-Type", "application/json"), body, 20_000);
    return b.federationTransport().send(request).get(30, TimeUnit.SECONDS);
  }

  @Test
  void federationRequestsTravelOverTheOverlay_andOnlyFederationPathsAreServed() throws Exception {
    TransportResponse version = send("GET", "/_matrix/federation/v1/version", new byte[0]);
    assertEquals(200, version.status());
    assertTrue(new String(version.body(), StandardCharsets.UTF_8).contains("\"name\":\"A\""));

    byte[] big = new byte[200_000];
    java.util.Arrays.fill(big, (byte) ' ');
    big[0] = '{';
    big[big.length - 1] = '}';
    TransportResponse echo = send("PUT", "/_matrix/federation/v1/echo", big);
    assertEquals(200, echo.status());
    String json = new String(echo.body(), StandardCharsets.UTF_8);
    assertTrue(json.contains("\"host\":\"" + a.publicKeyHex() + "\""), json);
    assertTrue(json.contains("\"len\":200000"), json);

    TransportResponse client = send("GET", "/_matrix/client/versions", new byte[0]);
    assertEquals(404, client.status(), "the client API is never served to overlay peers");
    assertTrue(new String(client.body(), StandardCharsets.UTF_8).contains("M_UNRECOGNIZED"));

    assertTrue(seenByA.contains(b.publicKeyHex()), "A saw B come up: " + seenByA);
    assertEquals(Set.of(b.publicKeyHex()), a.peers().direct());
  }

  @Test
  void anUnknownOrOwnDestinationFailsAsUnreachable() throws Exception {
    TransportRequest self = new TransportRequest(b.publicKeyHex(), "GET", "/_matrix/federation/v1/version",
        Map.of(), new byte[0], 5_000);
    ExecutionException e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> b.federationTransport().send(self).get(10, TimeUnit.SECONDS));
    assertInstanceOf(RemoteServerException.class, e.getCause());
    TransportRequest dns = new TransportRequest("example.org", "GET", "/x", Map.of(), new byte[0], 5_000);
    e = org.junit.jupiter.api.Assertions.assertThrows(ExecutionException.class,
        () -> b.federationTransport().send(dns).get(10, TimeUnit.SECONDS));
    assertEquals(RemoteServerException.Kind.UNREACHABLE, ((RemoteServerException) e.getCause()).kind());
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(20, TimeUnit.SECONDS);
  }
}
