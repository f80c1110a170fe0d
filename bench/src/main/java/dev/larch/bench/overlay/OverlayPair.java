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

/**
 * What the session throughput measurements compare, in one JVM: two overlay nodes peered over TCP on 127.0.0.1 with
 * QUIC sessions and an HTTP server answering every GET with the same body, and a plain Vert.x HTTP/1.1 server and
 * keep-alive client on loopback serving the same body.
 */
final class OverlayPair implements AutoCloseable {
  final int bodyBytes;
  private final Vertx vertx = Vertx.vertx();
  private final List<OverlayNode> overlays = new ArrayList<>();
  private final List<Sessions> sessions = new ArrayList<>();
  private final NodeKey serverKey;
  private final OverlayHttpClient overlayClient;
  private final HttpServer loopbackServer;
  private final HttpClient loopbackClient;

  OverlayPair(int bodyBytes, int streams) throws Exception {
    this.bodyBytes = bodyBytes;
    Buffer blob = Buffer.buffer(new byte[bodyBytes]);
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
    overlayClient = new OverlayHttpClient(clientSessions, streams, 2 * bodyBytes, 30_000);
    for (int attempt = 0; ; attempt++) { // the first handshake may be lost while the overlay forms routes
      try {
        check(await(overlayGet()).body().length());
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
        new PoolOptions().setHttp1MaxSize(streams));
    check(await(loopbackGet()).length());
  }

  /** One GET over the overlay sessions; the future holds the whole response. */
  Future<OverlayHttpResponse> overlayGet() {
    return overlayClient.request(serverKey.publicKey(), "GET", "/blob", MultiMap.caseInsensitiveMultiMap(),
        Buffer.buffer());
  }

  /** One GET over plain loopback HTTP; the future holds the whole body. */
  Future<Buffer> loopbackGet() {
    return loopbackClient.request(HttpMethod.GET, loopbackServer.actualPort(), "127.0.0.1", "/blob")
        .compose(req -> req.send().compose(resp -> resp.body()));
  }

  /** {@code n} GETs at once over the overlay or loopback; returns the bytes received, each body checked. */
  long getAll(boolean overlay, int n) throws Exception {
    List<Future<Integer>> all = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      all.add(overlay ? overlayGet().map(r -> r.body().length()) : loopbackGet().map(Buffer::length));
    }
    long bytes = 0;
    for (Future<Integer> f : all) {
      bytes += check(await(f));
    }
    return bytes;
  }

  int check(int length) {
    if (length != bodyBytes) {
      throw new IllegalStateException("short body: " + length);
    }
    return length;
  }

  @Override
  public void close() throws Exception {
    for (Sessions s : sessions) {
      await(s.close());
    }
    for (OverlayNode o : overlays) {
      await(o.close());
    }
    await(vertx.close());
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
