package dev.larch.overlay.session;

import dev.larch.overlay.http.OverlayHttpClient;
import dev.larch.overlay.http.OverlayHttpRequest;
import dev.larch.overlay.http.OverlayHttpResponse;
import dev.larch.overlay.http.OverlayHttpServer;
import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.node.OverlayConfig;
import dev.larch.overlay.node.OverlayNode;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test node: overlay (listening on 127.0.0.1 when asked), sessions, an echo HTTP server and a client. The server
 * answers {@code <self hex>:<method> <path> <body> host=<Host> peer=<proven peer hex>}.
 */
final class SessionNode {
  final OverlayNode overlay;
  final Sessions sessions;
  final OverlayHttpClient client;

  private SessionNode(OverlayNode overlay, Sessions sessions) {
    this.overlay = overlay;
    this.sessions = sessions;
    SessionConfig limits = SessionConfig.defaults();
    this.client = new OverlayHttpClient(sessions, limits.maxStreamsPerPeer(), 64 << 20, 30_000);
    OverlayHttpServer.attach(sessions, 16 << 20, limits.bufferedBodyBytes(), this::answer);
  }

  static SessionNode start(Vertx vertx, NodeKey key, boolean listen) throws Exception {
    OverlayNode overlay = await(OverlayNode.start(vertx, key,
        new OverlayConfig("127.0.0.1", listen ? 0 : -1, List.of(), false, true)));
    Sessions sessions = await(Sessions.start(overlay, key, SessionConfig.defaults()));
    return new SessionNode(overlay, sessions);
  }

  PublicKey key() {
    return overlay.publicKey();
  }

  private Future<OverlayHttpResponse> answer(OverlayHttpRequest request) {
    String text = key().hex() + ":" + request.method() + " " + request.path() + " " + request.body()
        + " host=" + request.headers().get("Host") + " peer=" + request.peer().hex();
    return Future.succeededFuture(OverlayHttpResponse.of(200, "text/plain", Buffer.buffer(text)));
  }

  /** What {@link #answer} says to {@code from} for this request. */
  static String expected(SessionNode to, SessionNode from, String method, String path, String body) {
    return to.key().hex() + ":" + method + " " + path + " " + body + " host=" + to.key().hex() + " peer="
        + from.key().hex();
  }

  Future<OverlayHttpResponse> post(SessionNode to, String path, String body) {
    return client.request(to.key(), "POST", path, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer(body));
  }

  void close() throws Exception {
    await(sessions.close());
    try {
      await(overlay.close());
    } catch (Exception e) {
      // closed already (a crash test closes the overlay first)
    }
  }

  static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
