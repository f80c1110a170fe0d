package dev.larch.overlay.node;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.overlay.Vectors;
import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.identity.PublicKey;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Three Java nodes on 127.0.0.1: B dials A over TCP, A dials C's {@code /ws} over WebSocket; traffic flows B ↔ C. */
class NodePeeringTest {
  private Vertx vertx;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void tcpAndWebSocketPeerings_carryTrafficBothWays_andShowInTheManhole() throws Exception {
    OverlayConfig listen = new OverlayConfig("127.0.0.1", 0, List.of(), false, true);
    OverlayConfig noListen = new OverlayConfig("127.0.0.1", -1, List.of(), false, true);
    OverlayNode a = await(OverlayNode.start(vertx, Vectors.key("A"), listen));
    OverlayNode b = await(OverlayNode.start(vertx, Vectors.key("B"), noListen));
    OverlayNode c = await(OverlayNode.start(vertx, Vectors.key("C"), noListen));
    HttpServer http = await(vertx.createHttpServer().webSocketHandler(ws -> {
      if ("/ws".equals(ws.path())) {
        c.webSocketHandler().handle(ws);
      } else {
        ws.close();
      }
    }).listen(0, "127.0.0.1"));

    b.addStaticPeer("127.0.0.1:" + a.tcpPort());
    await(a.dial("ws://127.0.0.1:" + http.actualPort() + "/ws"));

    CompletableFuture<String> atC = new CompletableFuture<>();
    CompletableFuture<String> atB = new CompletableFuture<>();
    c.trafficHandler((source, payload) -> {
      if (source.equals(b.publicKey())) {
        atC.complete(new String(payload, StandardCharsets.UTF_8));
      }
    });
    b.trafficHandler((source, payload) -> {
      if (source.equals(c.publicKey())) {
        atB.complete(new String(payload, StandardCharsets.UTF_8));
      }
    });
    // Retry until the tree and SNEK have formed; datagrams are best effort.
    long timer = vertx.setPeriodic(200, id -> {
      if (!atC.isDone()) {
        b.send(c.publicKey(), "hello from B".getBytes(StandardCharsets.UTF_8));
      }
      if (!atB.isDone()) {
        c.send(b.publicKey(), "hello from C".getBytes(StandardCharsets.UTF_8));
      }
    });
    assertEquals("hello from B", atC.get(20, TimeUnit.SECONDS));
    assertEquals("hello from C", atB.get(20, TimeUnit.SECONDS));
    vertx.cancelTimer(timer);

    JsonObject manholeA = await(a.manholeJson());
    PublicKey root = Vectors.key("C").publicKey(); // C has the highest key
    assertEquals(root.hex(), manholeA.getJsonObject("root").getString("root_public_key"));
    assertEquals(a.publicKey().hex(), manholeA.getString("public_key"));
    assertTrue(manholeA.getJsonObject("peers").containsKey(b.publicKey().hex()));
    assertTrue(manholeA.getJsonObject("peers").containsKey(c.publicKey().hex()));
    assertEquals("[1]", manholeA.getString("coords"));
    JsonObject manholeB = await(b.manholeJson());
    assertEquals(root.hex(), manholeB.getJsonObject("root").getString("root_public_key"));
    assertTrue(manholeB.encode().contains("\"snek\""));
  }

  @Test
  void send_refusesDatagramsOver1200Bytes() throws Exception {
    OverlayNode a = await(OverlayNode.start(vertx, NodeKey.generate(new java.security.SecureRandom()),
        new OverlayConfig("127.0.0.1", -1, List.of(), false, true)));
    assertThrows(IllegalArgumentException.class, () -> a.send(a.publicKey(), new byte[1201]));
    byte[] max = new byte[1200];
    CompletableFuture<byte[]> self = new CompletableFuture<>();
    a.trafficHandler((source, payload) -> self.complete(payload));
    a.send(a.publicKey(), max); // loopback: addressed to ourselves
    assertArrayEquals(max, self.get(5, TimeUnit.SECONDS));
  }

  @Test
  void staticPeerBackoff_followsGo() {
    assertEquals(2_000, StaticPeers.backoffMs(1));
    assertEquals(1_024_000, StaticPeers.backoffMs(10));
    assertEquals(3_600_000, StaticPeers.backoffMs(12));
    assertEquals(3_600_000, StaticPeers.backoffMs(40));
  }

  private static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
