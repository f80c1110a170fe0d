package dev.larch.overlay.session;

import dev.larch.overlay.http.OverlayHttpClient;
import dev.larch.overlay.http.OverlayHttpResponse;
import dev.larch.overlay.http.OverlayHttpServer;
import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.node.OverlayConfig;
import dev.larch.overlay.node.OverlayNode;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Where a bulk transfer's CPU goes, layer by layer, measured in one JVM and interleaved (a shared 2-core machine):
 * plain loopback HTTP (Vert.x), HTTP over QUIC sessions over the overlay (what {@code SessionThroughputBench}
 * measures), the same over an in-memory datagram pipe (QUIC + TLS + HTTP without the overlay), a bare QUIC stream
 * over that pipe (no HTTP), overlay datagrams alone (no QUIC), and HTTP over sessions on a 100 Mbit/s pipe with
 * 0.5 % loss and a 20 ms round trip (congestion control at work; its CPU figure is mostly the pipe's timers).
 * Reports MiB/s and the CPU the Vert.x event loops (where all of it runs) spent per MiB, mean ± standard deviation
 * over the rounds. For figures free of the other cases' JIT profiles, run one case per JVM (the regex).
 *
 * <pre>java -cp "overlay/target/test-classes:overlay/target/classes:bench/target/lib/*" \
 *   dev.larch.overlay.session.SessionThroughputProbe [rounds] [seconds per case] [regex of cases]</pre>
 */
public final class SessionThroughputProbe {
  private static final int BODY = 1 << 20;
  private static final int DATAGRAM = 1200;
  /** The defaults, or other QUIC flow-control windows: -Dprobe.connectionWindow=BYTES -Dprobe.streamWindow=BYTES. */
  private static final SessionConfig CONFIG = new SessionConfig(128, 64,
      Long.getLong("probe.connectionWindow", SessionConfig.defaults().connectionWindow()),
      Long.getLong("probe.streamWindow", SessionConfig.defaults().streamWindow()), 8192, 64L << 20);

  private interface Workload {
    /** Moves some bytes and returns how many. */
    long once() throws Exception;
  }

  private SessionThroughputProbe() {
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    double seconds = args.length > 1 ? Double.parseDouble(args[1]) : 3;
    java.util.regex.Pattern only = java.util.regex.Pattern.compile(args.length > 2 ? args[2] : ".*");
    // Each layer gets its own Vert.x (its own event loops), so that no two setups share a loop thread.
    Vertx vertx = Vertx.vertx();
    SecureRandom random = new SecureRandom();
    Buffer blob = Buffer.buffer(new byte[BODY]);

    // Plain loopback HTTP.
    HttpServer httpServer = await(vertx.createHttpServer()
        .requestHandler(req -> req.response().end(blob)).listen(0, "127.0.0.1"));
    HttpClient httpClient = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(16));

    // HTTP over sessions over the overlay (TCP on 127.0.0.1).
    NodeKey serverKey = NodeKey.generate(random);
    NodeKey clientKey = NodeKey.generate(random);
    Vertx overlayVertx = Vertx.vertx();
    OverlayNode serverNode = await(OverlayNode.start(overlayVertx, serverKey,
        new OverlayConfig("127.0.0.1", 0, List.of(), false, true)));
    OverlayNode clientNode = await(OverlayNode.start(overlayVertx, clientKey,
        new OverlayConfig("127.0.0.1", -1, List.of(), false, true)));
    await(clientNode.dial("127.0.0.1:" + serverNode.tcpPort()));
    Sessions overlayServer = await(Sessions.start(serverNode, serverKey, CONFIG));
    Sessions overlayClient = await(Sessions.start(clientNode, clientKey, CONFIG));
    OverlayHttpServer.attach(overlayServer, 1 << 20, 64 << 20,
        r -> Future.succeededFuture(OverlayHttpResponse.of(200, "application/octet-stream", blob)));
    OverlayHttpClient overOverlay = new OverlayHttpClient(overlayClient, 16, 2 * BODY, 30_000);

    // The same over an in-memory pipe, and a bare stream on it.
    NodeKey pipeServerKey = NodeKey.generate(random);
    NodeKey pipeClientKey = NodeKey.generate(random);
    DatagramPort[] pipe = MemoryPipe.pair(Vertx.vertx(), pipeServerKey.publicKey(), pipeClientKey.publicKey());
    Sessions pipeServer = await(Sessions.start(pipe[0], SessionCertificate.generate(pipeServerKey),
        CONFIG));
    Sessions pipeClient = await(Sessions.start(pipe[1], SessionCertificate.generate(pipeClientKey),
        CONFIG));
    OverlayHttpServer.attach(pipeServer, 1 << 20, 64 << 20,
        r -> r.path().equals("/blob") ? Future.succeededFuture(OverlayHttpResponse.of(200, "x", blob)) : null);
    OverlayHttpClient overPipe = new OverlayHttpClient(pipeClient, 16, 2 * BODY, 30_000);
    // Bare streams need their own pair: a second stream handler would replace the HTTP server.
    NodeKey rawServerKey = NodeKey.generate(random);
    NodeKey rawClientKey = NodeKey.generate(random);
    DatagramPort[] rawPipe = MemoryPipe.pair(Vertx.vertx(), rawServerKey.publicKey(), rawClientKey.publicKey());
    Sessions rawStreamServer = await(Sessions.start(rawPipe[0], SessionCertificate.generate(rawServerKey),
        CONFIG));
    Sessions rawStreamClient = await(Sessions.start(rawPipe[1], SessionCertificate.generate(rawClientKey),
        CONFIG));
    rawStreamServer.streamHandler(s -> s.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ((ByteBuf) msg).release(); // the request: one byte, then a megabyte back and FIN
        ctx.writeAndFlush(Unpooled.wrappedBuffer(new byte[BODY]))
            .addListener(f -> ((QuicStreamChannel) ctx.channel()).shutdownOutput());
      }
    }));

    // A wide-area path: 100 Mbit/s each way, 0.5 % loss, 10 ms each way (20 ms round trip), as the spike's lossy run.
    NodeKey wanServerKey = NodeKey.generate(random);
    NodeKey wanClientKey = NodeKey.generate(random);
    DatagramPort[] wan = MemoryPipe.pair(Vertx.vertx(), wanServerKey.publicKey(), wanClientKey.publicKey(), 0.005,
        10, Long.getLong("probe.wanBits", 100_000_000L), 6);
    Sessions wanServer = await(Sessions.start(wan[0], SessionCertificate.generate(wanServerKey),
        CONFIG));
    Sessions wanClient = await(Sessions.start(wan[1], SessionCertificate.generate(wanClientKey),
        CONFIG));
    OverlayHttpServer.attach(wanServer, 1 << 20, 64 << 20,
        r -> Future.succeededFuture(OverlayHttpResponse.of(200, "application/octet-stream", blob)));
    OverlayHttpClient overWan = new OverlayHttpClient(wanClient, 16, 2 * BODY, 60_000);

    // Overlay datagrams alone.
    NodeKey dgA = NodeKey.generate(random);
    NodeKey dgB = NodeKey.generate(random);
    Vertx datagramVertx = Vertx.vertx();
    OverlayNode dgServer = await(OverlayNode.start(datagramVertx, dgB, new OverlayConfig("127.0.0.1", 0, List.of(),
        false, true)));
    OverlayNode dgClient = await(OverlayNode.start(datagramVertx, dgA, new OverlayConfig("127.0.0.1", -1, List.of(),
        false, true)));
    await(dgClient.dial("127.0.0.1:" + dgServer.tcpPort()));
    AtomicLong received = new AtomicLong();
    dgServer.trafficHandler((source, payload) -> received.addAndGet(payload.length));

    Map<String, Workload> cases = new LinkedHashMap<>();
    cases.put("loopback HTTP, 1 stream", () -> all(1, () -> httpGet(httpClient, httpServer.actualPort())));
    cases.put("overlay sessions HTTP, 1", () -> all(1, () -> sessionGet(overOverlay, serverKey)));
    cases.put("pipe sessions HTTP, 1", () -> all(1, () -> sessionGet(overPipe, pipeServerKey)));
    cases.put("pipe bare QUIC stream, 1", () -> all(1, () -> rawStream(rawStreamClient, rawServerKey)));
    cases.put("loopback HTTP, 16", () -> all(16, () -> httpGet(httpClient, httpServer.actualPort())));
    cases.put("overlay sessions HTTP, 16", () -> all(16, () -> sessionGet(overOverlay, serverKey)));
    cases.put("pipe sessions HTTP, 16", () -> all(16, () -> sessionGet(overPipe, pipeServerKey)));
    cases.put("overlay datagrams alone", () -> datagrams(dgClient, dgB, received));
    cases.put("lossy 100 Mbit/s 20 ms pipe HTTP, 1", () -> all(1, () -> sessionGet(overWan, wanServerKey)));
    cases.keySet().removeIf(name -> !only.matcher(name).find());
    for (int attempt = 0; ; attempt++) { // the overlay's first packets may be lost while routes form
      try {
        for (Workload w : cases.values()) {
          w.once();
        }
        break;
      } catch (Exception e) {
        if (attempt > 20) {
          throw e;
        }
        Thread.sleep(250);
      }
    }

    String loadBefore = loadAverage();
    Map<String, List<double[]>> results = new LinkedHashMap<>();
    for (int round = -2; round < rounds; round++) { // two warm-up rounds for the JIT
      for (Map.Entry<String, Workload> c : cases.entrySet()) {
        double[] r = measure(c.getValue(), seconds);
        if (round >= 0) {
          results.computeIfAbsent(c.getKey(), k -> new ArrayList<>()).add(r);
        }
        System.err.printf(Locale.ROOT, "round %d %-36s %8.1f MiB/s %7.2f loop ms/MiB%n", round, c.getKey(), r[0],
            r[1]);
      }
    }
    System.out.printf(Locale.ROOT, "%-36s %18s %18s%n", "case", "MiB/s", "loop CPU ms/MiB");
    for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
      System.out.printf(Locale.ROOT, "%-36s %18s %18s%n", e.getKey(), stat(e.getValue(), 0), stat(e.getValue(), 1));
    }
    System.out.printf("load average before: %s; after: %s; %d rounds of %.1f s per case, 2 warm-up rounds%n",
        loadBefore, loadAverage(), rounds, seconds);
    System.exit(0); // every Vert.x instance goes with the JVM
  }

  private static long all(int n, Async one) throws Exception {
    List<Future<Long>> running = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      running.add(one.start());
    }
    long bytes = 0;
    for (Future<Long> f : running) {
      bytes += await(f);
    }
    return bytes;
  }

  /** A workload that starts asynchronously; {@link #all} runs several at once. */
  private interface Async {
    Future<Long> start() throws Exception;
  }

  private static Future<Long> httpGet(HttpClient client, int port) {
    return client.request(HttpMethod.GET, port, "127.0.0.1", "/blob")
        .compose(req -> req.send().compose(resp -> resp.body())).map(b -> (long) check(b.length()));
  }

  private static Future<Long> sessionGet(OverlayHttpClient client, NodeKey server) {
    return client.request(server.publicKey(), "GET", "/blob", MultiMap.caseInsensitiveMultiMap(), Buffer.buffer())
        .map(r -> (long) check(r.body().length()));
  }

  private static Future<Long> rawStream(Sessions client, NodeKey server) {
    Promise<Long> done = Promise.promise();
    client.dial(server.publicKey()).onFailure(done::fail).onSuccess(stream -> {
      long[] bytes = {0};
      stream.channel().pipeline().addLast(new ChannelInboundHandlerAdapter() {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
          ByteBuf buf = (ByteBuf) msg;
          bytes[0] += buf.readableBytes();
          buf.release();
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
          if (event instanceof ChannelInputShutdownEvent) {
            done.tryComplete((long) check((int) bytes[0]));
            ctx.close();
          }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
          done.tryComplete((long) check((int) bytes[0]));
        }
      });
      stream.channel().config().setAutoRead(true);
      stream.channel().writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
    });
    return done.future();
  }

  /** 1 MiB of 1200-byte datagrams, sent in windows of 128 from the sender's event loop; waits for each window. */
  private static long datagrams(OverlayNode from, NodeKey to, AtomicLong received) throws Exception {
    byte[] payload = new byte[DATAGRAM];
    long target = received.get();
    int count = BODY / DATAGRAM;
    for (int sent = 0; sent < count; sent += 128) {
      int window = Math.min(128, count - sent);
      target += (long) window * DATAGRAM;
      Promise<Void> queued = Promise.promise();
      from.context().runOnContext(v -> {
        for (int i = 0; i < window; i++) {
          from.send(to.publicKey(), payload);
        }
        queued.complete();
      });
      await(queued.future());
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (received.get() < target) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("datagrams lost: " + (target - received.get()) + " bytes");
        }
        Thread.onSpinWait();
      }
    }
    return (long) count * DATAGRAM;
  }

  private static double[] measure(Workload w, double seconds) throws Exception {
    long cpu0 = eventLoopCpu();
    long t0 = System.nanoTime();
    long deadline = t0 + (long) (seconds * 1e9);
    long bytes = 0;
    while (System.nanoTime() < deadline) {
      bytes += w.once();
    }
    double mib = bytes / (double) (1 << 20);
    long wall = System.nanoTime() - t0;
    return new double[] {mib / (wall / 1e9), (eventLoopCpu() - cpu0) / 1e6 / mib};
  }

  private static long eventLoopCpu() {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("vert.x-eventloop")) {
        sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return sum;
  }

  private static int check(int length) {
    if (length != BODY) {
      throw new IllegalStateException("short body: " + length);
    }
    return length;
  }

  private static String stat(List<double[]> rows, int column) {
    double mean = rows.stream().mapToDouble(r -> r[column]).average().orElse(0);
    double squares = rows.stream().mapToDouble(r -> (r[column] - mean) * (r[column] - mean)).sum();
    double sd = rows.size() > 1 ? Math.sqrt(squares / (rows.size() - 1)) : 0;
    return String.format(Locale.ROOT, "%.1f ± %.1f", mean, sd);
  }

  private static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return f[0] + " " + f[1] + " " + f[2];
    } catch (Exception e) {
      return "unknown";
    }
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
