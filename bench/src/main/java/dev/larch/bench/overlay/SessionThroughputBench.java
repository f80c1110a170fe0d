package dev.larch.bench.overlay;

import dev.larch.overlay.http.OverlayHttpClient;
import dev.larch.overlay.http.OverlayHttpResponse;
import dev.larch.overlay.http.OverlayHttpServer;
import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.node.OverlayConfig;
import dev.larch.overlay.node.OverlayNode;
import dev.larch.overlay.session.SessionConfig;
import dev.larch.overlay.session.Sessions;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Bulk throughput of HTTP over QUIC sessions between two nodes peered over the overlay (TCP on 127.0.0.1, one JVM),
 * against plain HTTP/1.1 on loopback TCP (Vert.x client and server) in the same run: one stream, and 16 concurrent
 * streams. One operation = one 1 MiB response body, so ops/s = MiB/s. Goal: overlay ≥ 50 % of loopback.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class SessionThroughputBench {
  private static final int BODY = 1 << 20;
  private static final int STREAMS = 16;

  private Vertx vertx;
  private final List<OverlayNode> overlays = new ArrayList<>();
  private final List<Sessions> sessions = new ArrayList<>();
  private OverlayHttpClient overlayClient;
  private NodeKey serverKey;
  private HttpServer loopbackServer;
  private HttpClient loopbackClient;

  @Setup
  public void setUp() throws Exception {
    vertx = Vertx.vertx();
    Buffer blob = Buffer.buffer(new byte[BODY]);
    SecureRandom random = new SecureRandom();
    serverKey = NodeKey.generate(random);
    NodeKey clientKey = NodeKey.generate(random);
    OverlayNode server = await(OverlayNode.start(vertx, serverKey,
        new OverlayConfig("127.0.0.1", 0, List.of(), false, true)));
    OverlayNode client = await(OverlayNode.start(vertx, clientKey,
        new OverlayConfig("127.0.0.1", -1, List.of(), false, true)));
    overlays.add(server);
    overlays.add(client);
    await(client.dial("127.0.0.1:" + server.tcpPort()));
    Sessions serverSessions = await(Sessions.start(server, serverKey, SessionConfig.defaults()));
    Sessions clientSessions = await(Sessions.start(client, clientKey, SessionConfig.defaults()));
    sessions.add(serverSessions);
    sessions.add(clientSessions);
    OverlayHttpServer.attach(serverSessions, 1 << 20, 64 << 20,
        request -> Future.succeededFuture(OverlayHttpResponse.of(200, "application/octet-stream", blob)));
    overlayClient = new OverlayHttpClient(clientSessions, STREAMS, 2 * BODY, 30_000);
    for (int attempt = 0; ; attempt++) { // the first handshake may be lost while the overlay forms routes
      try {
        overlayOne();
        break;
      } catch (Exception e) {
        if (attempt > 20) {
          throw e;
        }
        Thread.sleep(250);
      }
    }

    loopbackServer = await(vertx.createHttpServer()
        .requestHandler(req -> req.response().putHeader("Content-Type", "application/octet-stream").end(blob))
        .listen(0, "127.0.0.1"));
    loopbackClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(STREAMS));
    loopbackOne();
  }

  @TearDown
  public void tearDown() throws Exception {
    for (Sessions s : sessions) {
      await(s.close());
    }
    for (OverlayNode o : overlays) {
      await(o.close());
    }
    await(vertx.close());
  }

  @Benchmark
  public int overlayOneStream() throws Exception {
    return overlayOne();
  }

  @Benchmark
  @OperationsPerInvocation(STREAMS)
  public int overlaySixteenStreams() throws Exception {
    List<Future<OverlayHttpResponse>> all = new ArrayList<>(STREAMS);
    for (int i = 0; i < STREAMS; i++) {
      all.add(get());
    }
    int bytes = 0;
    for (Future<OverlayHttpResponse> f : all) {
      bytes += check(await(f).body().length());
    }
    return bytes;
  }

  @Benchmark
  public int loopbackOneStream() throws Exception {
    return loopbackOne();
  }

  @Benchmark
  @OperationsPerInvocation(STREAMS)
  public int loopbackSixteenStreams() throws Exception {
    List<Future<Buffer>> all = new ArrayList<>(STREAMS);
    for (int i = 0; i < STREAMS; i++) {
      all.add(loopbackGet());
    }
    int bytes = 0;
    for (Future<Buffer> f : all) {
      bytes += check(await(f).length());
    }
    return bytes;
  }

  private int overlayOne() throws Exception {
    return check(await(get()).body().length());
  }

  private int loopbackOne() throws Exception {
    return check(await(loopbackGet()).length());
  }

  private Future<OverlayHttpResponse> get() {
    return overlayClient.request(serverKey.publicKey(), "GET",
        "/blob", MultiMap.caseInsensitiveMultiMap(), Buffer.buffer());
  }

  private Future<Buffer> loopbackGet() {
    return loopbackClient.request(HttpMethod.GET, loopbackServer.actualPort(), "127.0.0.1", "/blob")
        .compose(req -> req.send().compose(resp -> resp.body()));
  }

  private static int check(int length) {
    if (length != BODY) {
      throw new IllegalStateException("short body: " + length);
    }
    return length;
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
