package dev.larch.overlay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.identity.PublicKey;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A Larch node peers with the real Go node ({@code cmd/pinecone} at the pinned commit; protocol doc 12.2) over TCP and
 * over WebSocket at once, inside a network namespace that holds only {@code lo} (Go nodes always start multicast).
 * Everything runs in that namespace: the Go node, a Go traffic peer ({@code src/test/go/trafficpeer}, a router
 * without blackhole mode, dialling the Go node) and the Java node in a second JVM ({@link OverlayProbe}).
 *
 * <p>Asserted: both handshakes complete; the Java node and the Go node agree on the root (Go's manhole); both links
 * stay up for 30 s with keepalives arriving on each; the Go node shows our announcement (coordinates) and our SNEK
 * bootstrap; a datagram from Java reaches the Go traffic peer through the Go node and its echo comes back.
 *
 * <p>Without Go, the module proxy or {@code ip netns}, the test fails when {@code CI=true} and is skipped loudly
 * elsewhere. The Go binaries come from {@code scripts/build-go-pinecone.sh} (cached outside the repository).
 */
class GoPineconeInteropTest {
  /** RFC 8032 test 3: key {@code fc51cd8e…}, above almost any random key, so the Go node stays root. */
  private static final String GO_SEED = "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7";
  private static final long WINDOW_MS = 30_000;

  @Test
  void javaAndGoPeer_overTcpAndWebSocket_agreeOnTheRoot_stayUp30s_andCarryTrafficBothWays() throws Exception {
    String test = "GoPineconeInteropTest";
    Path script = findScript();
    if (script == null) {
      Netns.unavailable(test, "scripts/build-go-pinecone.sh not found above " + System.getProperty("user.dir"));
      return;
    }
    Netns.Result pinecone = Netns.run(600, "bash", script.toString(), "pinecone");
    Netns.Result trafficpeer = pinecone.code() == 0 ? Netns.run(600, "bash", script.toString(), "trafficpeer")
        : pinecone;
    if (trafficpeer.code() != 0) {
      Netns.unavailable(test, "cannot build the Go reference (Go toolchain or module proxy missing?): "
          + trafficpeer.output().strip());
      return;
    }
    String[] why = new String[1];
    Path logs = Child.logDir("go-interop");
    try (Netns ns = Netns.create(why)) {
      if (ns == null) {
        Netns.unavailable(test, why[0]);
        return;
      }
      run(ns, lastLine(pinecone.output()), lastLine(trafficpeer.output()), logs);
    }
  }

  private void run(Netns ns, String pineconeBin, String trafficBin, Path logs) throws Exception {
    PublicKey goKey = NodeKey.fromSeedHex(GO_SEED).publicKey();
    String javaSeed = seedBelow(goKey);
    String peerSeed = seedBelow(goKey);
    PublicKey javaKey = NodeKey.fromSeedHex(javaSeed).publicKey();
    PublicKey peerKey = NodeKey.fromSeedHex(peerSeed).publicKey();

    try (Child go = Child.start("go-pinecone", ns.wrap(List.of(pineconeBin, "-listen", "127.0.0.1:0", "-listenws",
        "127.0.0.1:0", "-manhole", "-secretkey", GO_SEED)), logs)) {
      int tcpPort = port(go, Pattern.compile("^Listening on 127\\.0\\.0\\.1:(\\d+)$"));
      int wsPort = port(go, Pattern.compile("^Listening for WebSockets on http://127\\.0\\.0\\.1:(\\d+)$"));
      String tcpUri = "127.0.0.1:" + tcpPort;
      String wsUri = "ws://127.0.0.1:" + wsPort + "/";

      try (Child peer = Child.start("go-trafficpeer", ns.wrap(List.of(trafficBin, "-secretkey", peerSeed,
          "-connect", tcpUri)), logs);
          Child java = Child.start("java-probe", ns.wrap(OverlayProbe.command("--seed", javaSeed, "--dial", tcpUri,
              "--dial", wsUri)), logs)) {
        String diag = "\n" + go.describe() + "\n" + java.describe() + "\n" + peer.describe();
        peer.awaitLine(l -> l.equals("READY " + peerKey.hex()), 20_000)
            .orElseThrow(() -> new AssertionError("Go traffic peer did not start" + diag));

        // 1. Both handshakes complete: the probe reports each link up with Go's key, Go logs each inbound peering.
        JsonObject tcpUp = java.awaitEvent(peerUp(goKey, tcpUri), 20_000)
            .orElseThrow(() -> new AssertionError("no TCP peering with Go" + java.describe()));
        java.awaitEvent(peerUp(goKey, wsUri), 20_000)
            .orElseThrow(() -> new AssertionError("no WebSocket peering with Go" + java.describe()));
        long windowStart = System.currentTimeMillis();
        go.awaitLine(l -> l.startsWith("Inbound TCP connection") && l.endsWith("is connected"), 5_000)
            .orElseThrow(() -> new AssertionError("Go did not log the TCP peering" + go.describe()));
        go.awaitLine(l -> l.startsWith("Inbound WS connection") && l.endsWith("is connected"), 5_000)
            .orElseThrow(() -> new AssertionError("Go did not log the WebSocket peering" + go.describe()));
        assertTrue(tcpUp.getInteger("port") >= 1, "a switch port >= 1");

        // 2. Root agreement: Java's manhole and Go's manhole name the same root (Go's own key, the highest).
        JsonObject goManhole = awaitManholes(java, wsPort, javaKey, goKey, diag);

        // 3. Traffic both ways: Java -> Go traffic peer (routed by the Go node), and its echo back to Java.
        String payload = "hello from larch " + System.nanoTime();
        Optional<JsonObject> echo = Optional.empty();
        for (int attempt = 0; attempt < 40 && echo.isEmpty(); attempt++) {
          java.command("send " + peerKey.hex() + " " + payload);
          echo = java.awaitEvent(e -> "traffic".equals(e.getString("event"))
              && peerKey.hex().equals(e.getString("source")) && ("echo:" + payload).equals(e.getString("payload")),
              500);
        }
        assertTrue(echo.isPresent(), "no echo from the Go traffic peer" + diag);
        assertTrue(peer.awaitLine(l -> l.equals("RECEIVED " + javaKey.hex() + " " + payload), 1_000).isPresent(),
            "the Go peer never printed our datagram" + diag);

        // 4. Stability: no link goes down for 30 s after both were up; keepalives keep arriving on both.
        JsonObject before = manhole(java);
        long left = windowStart + WINDOW_MS + 500 - System.currentTimeMillis();
        Optional<JsonObject> down = java.awaitEvent(e -> "peer".equals(e.getString("event"))
            && Boolean.FALSE.equals(e.getBoolean("up")), Math.max(0, left));
        long stable = System.currentTimeMillis() - windowStart;
        assertTrue(down.isEmpty(), "a link went down after " + stable + " ms: " + down + diag);
        assertTrue(go.lines().stream().noneMatch(l -> l.contains("Disconnected from peer")), "Go dropped us" + diag);
        JsonObject after = manhole(java);
        JsonArray linksBefore = before.getJsonObject("peers").getJsonArray(goKey.hex());
        JsonArray linksAfter = after.getJsonObject("peers").getJsonArray(goKey.hex());
        assertEquals(2, linksAfter.size(), "both links to Go still up" + diag);
        for (int i = 0; i < 2; i++) {
          long grew = linksAfter.getJsonObject(i).getLong("rx_proto_bytes")
              - linksBefore.getJsonObject(i).getLong("rx_proto_bytes");
          // Go writes a 10-byte keepalive after 3 s of write silence: at least 5 in the remaining window.
          assertTrue(grew >= 50, "link " + i + " received only " + grew + " protocol bytes" + diag);
        }
        JsonObject goAfter = fetchManhole(java, wsPort, diag);
        assertEquals(2, goAfter.getJsonObject("peers").getJsonArray(javaKey.hex()).size(), "Go sees both links");
        System.err.printf("[go-interop] links stable %d ms; root %s; Go sees Java at %s; echo received%n", stable,
            goManhole.getJsonObject("root").getString("root_public_key"),
            goAfter.getJsonObject("peers").getJsonArray(javaKey.hex()).getJsonObject(0).getString("coords"));
      }
    }
  }

  /** Waits until Java's root is Go's key and Go's manhole shows our announcement and our bootstrap path. */
  private JsonObject awaitManholes(Child java, int wsPort, PublicKey javaKey, PublicKey goKey, String diag)
      throws Exception {
    JsonObject javaView = null;
    JsonObject goView = null;
    for (int attempt = 0; attempt < 40; attempt++) {
      javaView = manhole(java);
      goView = fetchManhole(java, wsPort, diag);
      String javaRoot = javaView.getJsonObject("root").getString("root_public_key");
      String goRoot = goView.getJsonObject("root").getString("root_public_key");
      JsonArray ours = goView.getJsonObject("peers").getJsonArray(javaKey.hex());
      JsonArray paths = goView.getJsonObject("snek").getJsonArray("paths");
      boolean bootstrapSeen = paths != null && paths.stream()
          .anyMatch(p -> javaKey.hex().equals(((JsonObject) p).getString("public_key")));
      if (javaRoot.equals(goRoot) && goRoot.equals(goKey.hex()) && ours != null && ours.size() == 2
          && bootstrapSeen) {
        // Our announcement reached Go on both links. Go shows its full hop list: the root's port for us (we are its
        // child), then the port on our side that the announcement was signed for.
        for (int i = 0; i < 2; i++) {
          assertTrue(ours.getJsonObject(i).getString("coords").matches("\\[\\d+ \\d+\\]"),
              "Go has our announcement: " + ours);
        }
        return goView;
      }
      // Nothing announces "converged", so poll both views; waiting on the probe's output paces the loop.
      java.awaitLine(java.lineCount(), l -> false, 250);
    }
    throw new AssertionError("no root agreement / announcement / bootstrap at Go.\nJava: " + javaView + "\nGo: "
        + goView + diag);
  }

  private static JsonObject manhole(Child java) throws Exception {
    int from = java.lineCount();
    java.command("manhole");
    return java.awaitLine(from, l -> l.startsWith("{\"event\":\"manhole\""), 5_000)
        .map(l -> new JsonObject(l).getJsonObject("body"))
        .orElseThrow(() -> new AssertionError("no manhole from the probe" + java.describe()));
  }

  private static JsonObject fetchManhole(Child java, int wsPort, String diag) throws Exception {
    long marker = System.nanoTime();
    java.command("fetch http://127.0.0.1:" + wsPort + "/manhole?m=" + marker);
    JsonObject fetched = java.awaitEvent(e -> "fetched".equals(e.getString("event"))
        && e.getString("url").endsWith("m=" + marker), 5_000)
        .orElseThrow(() -> new AssertionError("cannot fetch Go's manhole" + diag));
    assertEquals(200, fetched.getInteger("status"), fetched.getString("body"));
    return new JsonObject(fetched.getString("body"));
  }

  private static Predicate<JsonObject> peerUp(PublicKey key, String uri) {
    return e -> "peer".equals(e.getString("event")) && Boolean.TRUE.equals(e.getBoolean("up"))
        && key.hex().equals(e.getString("key")) && uri.equals(e.getString("uri"));
  }

  private static int port(Child go, Pattern pattern) throws InterruptedException {
    String line = go.awaitLine(l -> pattern.matcher(l).matches(), 15_000)
        .orElseThrow(() -> new AssertionError("Go node never listened: " + go.describe()));
    Matcher m = pattern.matcher(line);
    assertTrue(m.matches());
    return Integer.parseInt(m.group(1));
  }

  /** A random seed whose key sorts below {@code ceiling}, so the Go node stays root. */
  private static String seedBelow(PublicKey ceiling) {
    SecureRandom random = new SecureRandom();
    while (true) {
      byte[] seed = new byte[32];
      random.nextBytes(seed);
      if (NodeKey.fromSeed(seed).publicKey().compareTo(ceiling) < 0) {
        return HexFormat.of().formatHex(seed);
      }
    }
  }

  private static String lastLine(String output) {
    List<String> lines = output.strip().lines().toList();
    return lines.get(lines.size() - 1).strip();
  }

  private static Path findScript() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve("scripts/build-go-pinecone.sh");
      if (Files.isRegularFile(candidate)) {
        return candidate;
      }
    }
    return null;
  }
}
