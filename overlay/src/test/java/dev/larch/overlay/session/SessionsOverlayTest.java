package dev.larch.overlay.session;

import static dev.larch.overlay.session.SessionNode.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.overlay.Vectors;
import dev.larch.overlay.http.OverlayHttpResponse;
import dev.larch.overlay.identity.NodeKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Java nodes peered over the overlay on 127.0.0.1 carry HTTP over QUIC sessions: directly, and through a third node
 * (so SNEK/tree routing forwards the frames); 1,000 concurrent requests each way at once, all answered correctly; a
 * restarted node is re-dialled without the caller noticing.
 */
class SessionsOverlayTest {
  private static final int REQUESTS = 1_000;
  private Vertx vertx;
  private final List<SessionNode> nodes = new ArrayList<>();

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (SessionNode node : nodes) {
      try {
        node.close();
      } catch (Exception e) {
        // already closed by the test
      }
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private SessionNode node(String name, boolean listen) throws Exception {
    return node(Vectors.key(name), listen);
  }

  private SessionNode node(NodeKey key, boolean listen) throws Exception {
    SessionNode node = SessionNode.start(vertx, key, listen);
    nodes.add(node);
    return node;
  }

  @Test
  void directPeers_thousandRequestsEachWay_concurrently() throws Exception {
    SessionNode a = node("A", true);
    SessionNode b = node("B", false);
    await(b.overlay.dial("127.0.0.1:" + a.overlay.tcpPort()));
    thousandEachWay(a, b);
  }

  @Test
  void throughAThirdNode_thousandRequestsEachWay_concurrently() throws Exception {
    SessionNode a = node("A", false);
    SessionNode middle = node("B", true);
    SessionNode c = node("C", false);
    await(a.overlay.dial("127.0.0.1:" + middle.overlay.tcpPort()));
    await(c.overlay.dial("127.0.0.1:" + middle.overlay.tcpPort()));
    thousandEachWay(a, c);
    assertTrue(await(middle.sessions.peers()).isEmpty(), "the middle node only forwards frames");
  }

  @Test
  void restartedPeer_isRedialledTransparently() throws Exception {
    restart(false);
  }

  /** The peer dies without a CONNECTION_CLOSE: our connection to it is dead and only the probe can tell. */
  @Test
  void crashedAndRestartedPeer_isRedialledTransparently() throws Exception {
    restart(true);
  }

  private void restart(boolean crash) throws Exception {
    SessionNode a = node("A", true);
    SessionNode b = node("B", false);
    await(b.overlay.dial("127.0.0.1:" + a.overlay.tcpPort()));
    warmUp(a, b);
    assertEquals(SessionNode.expected(b, a, "POST", "/before", "x"), await(a.post(b, "/before", "x")).body()
        .toString());

    if (crash) {
      await(b.overlay.close()); // the overlay goes first: nothing the sessions layer says reaches A any more
    }
    b.close();
    nodes.remove(b);
    SessionNode again = node("B", false); // same key, fresh process state: no QUIC connection, new connection IDs
    await(again.overlay.dial("127.0.0.1:" + a.overlay.tcpPort()));
    long start = System.nanoTime();
    OverlayHttpResponse after = await(a.post(again, "/after", "y")); // on A's dead connection first
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertEquals(SessionNode.expected(again, a, "POST", "/after", "y"), after.body().toString());
    assertEquals(SessionNode.expected(a, again, "POST", "/back", "z"), await(again.post(a, "/back", "z")).body()
        .toString());
    System.err.printf("[sessions] request after the peer's %s answered in %d ms%n", crash ? "crash" : "restart", ms);
    assertTrue(ms < 10_000, "re-dial took " + ms + " ms (QUIC idle timeout is 15 s)");
  }

  /** Until the overlay has routes both ways, the first handshake may be lost: ask until one request gets through. */
  private static void warmUp(SessionNode from, SessionNode to) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    Exception last = null;
    while (System.nanoTime() < deadline) {
      try {
        await(from.post(to, "/warmup", ""));
        return;
      } catch (Exception e) {
        last = e;
        Thread.sleep(200);
      }
    }
    throw new AssertionError("no session between the nodes", last);
  }

  private static void thousandEachWay(SessionNode a, SessionNode b) throws Exception {
    warmUp(a, b);
    long start = System.nanoTime();
    List<Future<OverlayHttpResponse>> ab = new ArrayList<>();
    List<Future<OverlayHttpResponse>> ba = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      ab.add(a.post(b, "/ab/" + i, "body-" + i));
      ba.add(b.post(a, "/ba/" + i, "body-" + i));
    }
    for (int i = 0; i < REQUESTS; i++) {
      OverlayHttpResponse there = await(ab.get(i));
      OverlayHttpResponse back = await(ba.get(i));
      assertEquals(200, there.status());
      assertEquals(SessionNode.expected(b, a, "POST", "/ab/" + i, "body-" + i), there.body().toString());
      assertEquals(200, back.status());
      assertEquals(SessionNode.expected(a, b, "POST", "/ba/" + i, "body-" + i), back.body().toString());
    }
    System.err.printf("[sessions] %d requests each way in %d ms; connections A:%s B:%s%n", REQUESTS,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), await(a.sessions.peers()).size(),
        await(b.sessions.peers()).size());
    assertEquals(1, await(a.sessions.peers()).size(), "one connection per peer");
    assertEquals(1, await(b.sessions.peers()).size(), "one connection per peer");
    assertEquals(0, await(a.sessions.counters())[0], "no QUIC packet over 1200 bytes");
    assertEquals(0, await(b.sessions.counters())[0], "no QUIC packet over 1200 bytes");
  }

  /**
   * Both nodes dial each other at the same moment (their first requests leave together, before either has a
   * connection): every request both ways is answered, none waits for a timeout, and both sides then open their
   * streams on the one connection the higher key dialled. A race depends on timing, so fresh pairs are tried until
   * one races (each side counts an inbound connection arriving while its own dial is in flight or just up).
   */
  @Test
  void bothNodesDialAtOnce_everyRequestAnswered_andBothSettleOnTheHigherKeysConnection() throws Exception {
    for (int attempt = 1; attempt <= 8; attempt++) {
      SessionNode a = node(NodeKey.generate(new java.security.SecureRandom()), true);
      SessionNode b = node(NodeKey.generate(new java.security.SecureRandom()), false);
      await(b.overlay.dial("127.0.0.1:" + a.overlay.tcpPort()));
      awaitRoutes(a, b);
      awaitRoutes(b, a);

      long start = System.nanoTime();
      List<Future<OverlayHttpResponse>> ab = new ArrayList<>();
      List<Future<OverlayHttpResponse>> ba = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        ab.add(a.post(b, "/race-ab/" + i, "x" + i));
        ba.add(b.post(a, "/race-ba/" + i, "y" + i));
      }
      for (int i = 0; i < 50; i++) {
        assertEquals(SessionNode.expected(b, a, "POST", "/race-ab/" + i, "x" + i), await(ab.get(i)).body().toString());
        assertEquals(SessionNode.expected(a, b, "POST", "/race-ba/" + i, "y" + i), await(ba.get(i)).body().toString());
      }
      long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
      long races = await(a.sessions.counters())[2] + await(b.sessions.counters())[2];
      System.err.printf("[sessions] attempt %d: 50 requests each way at once in %d ms, %d dial race(s) seen%n",
          attempt, ms, races);
      assertTrue(ms < 10_000, "requests waited " + ms + " ms: something waited for a timeout");
      if (races == 0) {
        a.close();
        b.close();
        nodes.remove(a);
        nodes.remove(b);
        continue;
      }
      dev.larch.overlay.identity.PublicKey higher = a.key().compareTo(b.key()) > 0 ? a.key() : b.key();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while ((!higher.equals(await(a.sessions.currentDialler(b.key())))
          || !higher.equals(await(b.sessions.currentDialler(a.key())))) && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertEquals(higher, await(a.sessions.currentDialler(b.key())), "A settled on the higher key's connection");
      assertEquals(higher, await(b.sessions.currentDialler(a.key())), "B settled on the higher key's connection");
      assertEquals(SessionNode.expected(b, a, "POST", "/after", "1"), await(a.post(b, "/after", "1")).body()
          .toString());
      assertEquals(SessionNode.expected(a, b, "POST", "/after", "2"), await(b.post(a, "/after", "2")).body()
          .toString());
      return;
    }
    throw new AssertionError("no dial race in 8 attempts: the test did not test anything");
  }

  /** Waits until a datagram from {@code from} reaches {@code to} (too short for QUIC, so {@code to} counts a drop). */
  private static void awaitRoutes(SessionNode from, SessionNode to) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    long before = await(to.sessions.counters())[1];
    while (System.nanoTime() < deadline) {
      from.overlay.send(to.key(), new byte[] {1, 2, 3});
      Thread.sleep(20);
      if (await(to.sessions.counters())[1] > before) {
        return;
      }
    }
    throw new AssertionError("no overlay route from " + from.key() + " to " + to.key());
  }

  /** Random datagrams (short and long headers, Initials with made-up IDs, any size) are dropped; nothing breaks. */
  @Test
  void garbageDatagrams_areDropped_andSessionsKeepWorking() throws Exception {
    SessionNode a = node("A", true);
    SessionNode b = node("B", false);
    await(b.overlay.dial("127.0.0.1:" + a.overlay.tcpPort()));
    warmUp(b, a);
    java.util.Random random = new java.util.Random(6);
    for (int i = 0; i < 3_000; i++) {
      byte[] junk = new byte[random.nextInt(1201)];
      random.nextBytes(junk);
      if (junk.length > 6 && i % 3 == 0) {
        junk[0] = (byte) 0xc0; // long header, Initial
        junk[1] = 0;
        junk[2] = 0;
        junk[3] = 0;
        junk[4] = 1; // QUIC v1
        junk[5] = (byte) random.nextInt(21);
      }
      b.overlay.send(a.key(), junk);
    }
    assertEquals(SessionNode.expected(a, b, "POST", "/after-junk", "ok"), await(b.post(a, "/after-junk", "ok"))
        .body().toString());
    assertEquals(SessionNode.expected(b, a, "POST", "/back", "ok"), await(a.post(b, "/back", "ok")).body()
        .toString());
  }
}
