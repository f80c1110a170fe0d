package dev.larch.overlay.it;

import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.node.OverlayConfig;
import dev.larch.overlay.node.OverlayNode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Java overlay node in its own JVM, for tests that must run inside a network namespace while the test JVM stays
 * outside. Started by {@link #command}; reports events as JSON lines on stdout and takes commands on stdin.
 *
 * <p>Arguments: {@code --seed HEX} (else random), {@code --listen HOST:PORT} (default none), {@code --multicast IFACE}
 * (repeatable; discovery restricted to these interfaces, loopback allowed), {@code --dial URI} (repeatable static
 * peer). Events: {@code ready}, {@code peer} (up/down), {@code traffic}, {@code manhole}, {@code fetched}. Commands:
 * {@code send HEXKEY TEXT}, {@code manhole}, {@code fetch URL}, {@code quit}.
 */
public final class OverlayProbe {
  private OverlayProbe() {
  }

  /** The command line that starts a probe with {@code args} on the test classpath. */
  static List<String> command(String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC", "-Dlarch.log=INFO", "-cp",
        classpath, OverlayProbe.class.getName()));
    cmd.addAll(List.of(args));
    return cmd;
  }

  public static void main(String[] args) throws Exception {
    NodeKey key = null;
    String listenHost = "127.0.0.1";
    int listenPort = -1;
    List<String> multicast = new ArrayList<>();
    List<String> dials = new ArrayList<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seed" -> key = NodeKey.fromSeed(HexFormat.of().parseHex(args[i + 1]));
        case "--listen" -> {
          int colon = args[i + 1].lastIndexOf(':');
          listenHost = args[i + 1].substring(0, colon);
          listenPort = Integer.parseInt(args[i + 1].substring(colon + 1));
        }
        case "--multicast" -> multicast.add(args[i + 1]);
        case "--dial" -> dials.add(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown argument " + args[i]);
      }
    }
    if (key == null) {
      key = NodeKey.generate(new SecureRandom());
    }
    OverlayConfig config = new OverlayConfig(listenHost, listenPort, dials, !multicast.isEmpty(), true, multicast);
    Vertx vertx = Vertx.vertx();
    OverlayNode node = OverlayNode.start(vertx, key, config).toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    node.peerHandler(e -> emit(new JsonObject().put("event", "peer").put("up", e.up()).put("port", e.port())
        .put("key", e.key() == null ? null : e.key().hex()).put("type", e.type().name()).put("zone", e.zone())
        .put("uri", e.uri()).put("reason", e.reason())));
    node.trafficHandler((source, payload) -> emit(new JsonObject().put("event", "traffic").put("source", source.hex())
        .put("payload", new String(payload, StandardCharsets.UTF_8))));
    emit(new JsonObject().put("event", "ready").put("key", node.publicKey().hex()).put("tcpPort", node.tcpPort())
        .put("multicastPort", node.multicastPort()));

    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null && !line.equals("quit"); line = in.readLine()) {
      String[] parts = line.split(" ", 3);
      switch (parts[0]) {
        case "send" -> node.send(PublicKey.parse(parts[1]), parts[2].getBytes(StandardCharsets.UTF_8));
        case "manhole" -> node.manholeJson().onSuccess(m -> emit(new JsonObject().put("event", "manhole")
            .put("body", m)));
        case "fetch" -> fetch(vertx, URI.create(parts[1]));
        default -> emit(new JsonObject().put("event", "error").put("message", "unknown command " + parts[0]));
      }
    }
    node.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
    vertx.close();
    System.exit(0);
  }

  private static void fetch(Vertx vertx, URI uri) {
    vertx.createHttpClient().request(HttpMethod.GET, uri.getPort(), uri.getHost(), uri.getRawPath())
        .compose(req -> req.send().compose(resp -> resp.body().map(body -> new Object[] {resp.statusCode(), body})))
        .onComplete(result -> {
          JsonObject event = new JsonObject().put("event", "fetched").put("url", uri.toString());
          if (result.succeeded()) {
            event.put("status", result.result()[0]).put("body", ((Buffer) result.result()[1]).toString());
          } else {
            event.put("status", -1).put("body", result.cause().toString());
          }
          emit(event);
        });
  }

  private static synchronized void emit(JsonObject event) {
    System.out.println(event.encode());
    System.out.flush();
  }
}
