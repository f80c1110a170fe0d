package dev.larch.overlay.it;

import dev.larch.overlay.http.OverlayHttpClient;
import dev.larch.overlay.http.OverlayHttpResponse;
import dev.larch.overlay.http.OverlayHttpServer;
import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.node.OverlayConfig;
import dev.larch.overlay.node.OverlayNode;
import dev.larch.overlay.session.SessionConfig;
import dev.larch.overlay.session.Sessions;
import dev.larch.overlay.session.SessionsTestAccess;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Java node with the QUIC sessions layer in its own JVM, for {@link GoSessionsInteropTest} (runs inside a network
 * namespace). Serves every request with 200 and {@code java:<method> <path> host=<Host> peer=<proven peer>}.
 *
 * <p>Arguments: {@code --seed HEX}, {@code --listen HOST:PORT}. Events (JSON lines): {@code ready} (key, tcpPort),
 * {@code peer} (an overlay peering came up: key), {@code served}, {@code response} (path, status, body, goHost),
 * {@code many} (ok, bad, first, prefix, ms), {@code peers}, {@code stats} (races, connections).
 * Commands: {@code get HEXKEY PATH}, {@code many HEXKEY COUNT PREFIX}, {@code peers}, {@code stats}, {@code quit}.
 */
public final class SessionProbe {
  private SessionProbe() {
  }

  static List<String> command(String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-Dlarch.log=INFO", "-cp", classpath,
        SessionProbe.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  public static void main(String[] args) throws Exception {
    NodeKey key = NodeKey.fromSeed(HexFormat.of().parseHex(args[1]));
    String listen = args[3];
    int colon = listen.lastIndexOf(':');
    Vertx vertx = Vertx.vertx();
    OverlayNode node = OverlayNode.start(vertx, key, new OverlayConfig(listen.substring(0, colon),
        Integer.parseInt(listen.substring(colon + 1)), List.of(), false, true)).toCompletionStage()
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
    node.peerHandler(e -> {
      if (e.up()) {
        emit(new JsonObject().put("event", "peer").put("key", e.key().hex()));
      }
    });
    Sessions sessions = Sessions.start(node, key, SessionConfig.defaults()).toCompletionStage()
        .toCompletableFuture().get(20, TimeUnit.SECONDS);
    OverlayHttpServer.attach(sessions, 1 << 20, 16 << 20, request -> {
      String host = request.headers().get("Host");
      emit(new JsonObject().put("event", "served").put("method", request.method()).put("path", request.path())
          .put("host", host).put("peer", request.peer().hex()));
      return Future.succeededFuture(OverlayHttpResponse.of(200, "text/plain", Buffer.buffer("java:"
          + request.method() + " " + request.path() + " host=" + host + " peer=" + request.peer().hex())));
    });
    OverlayHttpClient client = new OverlayHttpClient(sessions, 64, 1 << 20, 20_000);
    emit(new JsonObject().put("event", "ready").put("key", node.publicKey().hex()).put("tcpPort", node.tcpPort()));

    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
      String[] parts = line.split(" ");
      switch (parts[0]) {
        case "get" -> get(client, PublicKey.parse(parts[1]), parts[2]).onComplete(r -> emit(r.succeeded()
            ? new JsonObject().put("event", "response").put("path", parts[2]).put("status", r.result().status())
                .put("body", r.result().body().toString()).put("goHost", r.result().headers().get("X-Go-Host"))
            : new JsonObject().put("event", "response").put("path", parts[2]).put("status", -1)
                .put("body", String.valueOf(r.cause()))));
        case "many" -> many(client, PublicKey.parse(parts[1]), Integer.parseInt(parts[2]), parts[3]);
        case "peers" -> sessions.peers().onSuccess(p -> emit(new JsonObject().put("event", "peers")
            .put("count", p.size())));
        case "stats" -> SessionsTestAccess.counters(sessions).onSuccess(c -> emit(new JsonObject()
            .put("event", "stats").put("races", c[2]).put("connections", c[3])));
        default -> emit(new JsonObject().put("event", "error").put("message", "unknown command " + parts[0]));
      }
    }
    sessions.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    vertx.close();
    System.exit(0);
  }

  private static Future<OverlayHttpResponse> get(OverlayHttpClient client, PublicKey peer, String path) {
    return client.request(peer, "GET", path, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer());
  }

  private static void many(OverlayHttpClient client, PublicKey peer, int count, String prefix) {
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger bad = new AtomicInteger();
    AtomicInteger left = new AtomicInteger(count);
    long start = System.nanoTime();
    String[] first = {""};
    for (int i = 0; i < count; i++) {
      String path = prefix + "/" + i;
      get(client, peer, path).onComplete(r -> {
        if (r.succeeded() && r.result().status() == 200 && r.result().body().toString().contains(path)) {
          ok.incrementAndGet();
        } else {
          bad.incrementAndGet();
          synchronized (first) {
            if (first[0].isEmpty()) {
              first[0] = r.succeeded() ? r.result().status() + " " + r.result().body() : String.valueOf(r.cause());
            }
          }
        }
        if (left.decrementAndGet() == 0) {
          emit(new JsonObject().put("event", "many").put("ok", ok.get()).put("bad", bad.get()).put("first", first[0])
              .put("prefix", prefix).put("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)));
        }
      });
    }
  }

  private static synchronized void emit(JsonObject event) {
    System.out.println(event.encode());
    System.out.flush();
  }
}
