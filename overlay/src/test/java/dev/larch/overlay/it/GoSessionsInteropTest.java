package dev.larch.overlay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.identity.PublicKey;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * HTTP over QUIC sessions between a Larch node and Go's {@code matrix-org/pinecone/sessions} (the pinned commit),
 * peered over TCP on loopback inside a loopback-only network namespace (Go nodes always start multicast): our own Go
 * program ({@code src/test/go/sessionpeer}: Dendrite-like keep-alive client and HTTP server on the {@code matrix}
 * protocol) and a Larch node in a second JVM ({@link SessionProbe}).
 *
 * <p>Run with quic-go as the Pinecone module resolves it, and with {@code quic-go@v0.48.2} (Dendrite 0.15.x); each
 * once with Go dialling first (its connection carries both directions), once with Java dialling first, and once
 * with both sending their first requests at the same moment (a dial race, see {@link #race}).
 * Go runs with its post-quantum key share on (a ClientHello over several Initial packets). Asserted: requests
 * succeed Java → Go and Go → Java, singly and 200 concurrent each way at the same time, with
 * {@code Host: <64-hex>} and the TLS-proven peer key on both sides (so mutual ed25519 auth and ALPN {@code matrix}
 * worked: each side offers only that protocol). Without Go, the module proxy or {@code ip netns}: fails when
 * {@code CI=true}, skipped loudly elsewhere.
 */
class GoSessionsInteropTest {
  private static final int CONCURRENT = 200;

  @ParameterizedTest(name = "quic-go {0}, {1} dials first")
  @CsvSource({"resolved, Go", "resolved, Java", "resolved, both", "v0.48.2, Go", "v0.48.2, Java",
      "v0.48.2, both"})
  void httpOverQuicSessions_bothWays_withGoPinecone(String quicGo, String first) throws Exception {
    String test = "GoSessionsInteropTest[" + quicGo + ", " + first + " first]";
    Path script = findScript();
    if (script == null) {
      Netns.unavailable(test, "src/test/go/sessionpeer/build.sh not found above " + System.getProperty("user.dir"));
      return;
    }
    Netns.Result build = Netns.run(600, "bash", script.toString(), quicGo);
    if (build.code() != 0) {
      Netns.unavailable(test, "cannot build the Go sessions peer (Go toolchain or module proxy missing?): "
          + build.output().strip());
      return;
    }
    List<String> lines = build.output().strip().lines().toList();
    Path binary = Path.of(lines.get(lines.size() - 1).strip());
    Path versionFile = binary.resolveSibling("quic-go.version");
    String version = Files.isRegularFile(versionFile) ? Files.readString(versionFile).strip() : "unknown";
    lines.stream().filter(l -> l.startsWith("FALLBACK")).forEach(l -> System.err.println("[go-sessions] " + l));
    String[] why = new String[1];
    try (Netns ns = Netns.create(why)) {
      if (ns == null) {
        Netns.unavailable(test, why[0]);
        return;
      }
      run(ns, binary, Child.logDir("go-sessions-" + quicGo + "-" + first), first,
          quicGo + " (" + version + "), " + first + " dials first");
    }
  }

  private void run(Netns ns, Path goBinary, Path logs, String first, String label) throws Exception {
    String javaSeed = seed();
    String goSeed = seed();
    PublicKey javaKey = NodeKey.fromSeedHex(javaSeed).publicKey();
    PublicKey goKey = NodeKey.fromSeedHex(goSeed).publicKey();
    try (Child java = Child.start("java-sessions", ns.wrap(SessionProbe.command("--seed", javaSeed, "--listen",
        "127.0.0.1:0")), logs)) {
      JsonObject ready = java.awaitEvent(e -> "ready".equals(e.getString("event")), 30_000)
          .orElseThrow(() -> new AssertionError("the Java probe did not start" + java.describe()));
      // The throwaway module says "go 1.21", which would keep Go's post-quantum key share off by default; Go 1.23+
      // builds of Dendrite send one (over 1 KiB), so the ClientHello spans two Initial packets: force that case.
      try (Child go = Child.start("go-sessionpeer", ns.wrap(List.of("env", "GODEBUG=tlsmlkem=1,tlskyber=1",
          goBinary.toString(), "-secretkey", goSeed,
          "-connect", "127.0.0.1:" + ready.getInteger("tcpPort"))), logs)) {
        String diag = "\n" + java.describe() + "\n" + go.describe();
        go.awaitLine(l -> l.equals("READY " + goKey.hex()), 20_000)
            .orElseThrow(() -> new AssertionError("Go sessions peer did not start" + diag));

        if ("both".equals(first)) {
          race(java, go, javaKey, goKey, diag);
        } else if ("Go".equals(first)) {
          goToJava(go, javaKey, goKey, 6, diag); // Go's ClientHello (post-quantum share) reaches our server codec
          javaToGo(java, goKey, 1, diag); // on Go's connection: we open streams on inbound connections too
        } else {
          javaToGo(java, goKey, 6, diag);
          goToJava(go, javaKey, goKey, 1, diag); // Go reuses our connection and opens streams on it
        }

        // 3. Both ways at once, concurrently.
        int goFrom = go.lineCount();
        go.command("many " + javaKey.hex() + " " + CONCURRENT + " /go-many");
        java.command("many " + goKey.hex() + " " + CONCURRENT + " /java-many");
        JsonObject javaMany = java.awaitEvent(e -> "many".equals(e.getString("event"))
            && "/java-many".equals(e.getString("prefix")), 60_000)
            .orElseThrow(() -> new AssertionError("Java's concurrent requests never finished" + diag));
        String goMany = go.awaitLine(goFrom, l -> l.startsWith("MANY "), 60_000)
            .orElseThrow(() -> new AssertionError("Go's concurrent requests never finished" + diag));
        assertEquals(CONCURRENT, javaMany.getInteger("ok"), "Java -> Go concurrent: " + javaMany + diag);
        assertTrue(goMany.startsWith("MANY ok=" + CONCURRENT + " bad=0"), "Go -> Java concurrent: " + goMany + diag);

        java.command("peers");
        Optional<JsonObject> peers = java.awaitEvent(e -> "peers".equals(e.getString("event")), 5_000);
        assertEquals(1, peers.map(p -> p.getInteger("count")).orElse(-1), "one QUIC connection with Go" + diag);
        long served = go.lines().stream().filter(l -> l.startsWith("SERVED ")).count();
        System.err.printf("[go-sessions] quic-go %s: Java->Go and Go->Java OK; %d + %d concurrent OK; Go served %d%n",
            label, CONCURRENT, CONCURRENT, served);
      }
    }
  }

  /**
   * Both sides send their first requests at the same moment, so each dials while the other's dial is in flight. Go's
   * listener then closes our connection with "connection replaced" and keeps no session (its entry is overwritten
   * with the closed connection); we must fail our requests over to a fresh connection and still serve Go's on the
   * connection it dialled. Every request both ways must succeed, and well before any 20-30 s timeout.
   */
  private static void race(Child java, Child go, PublicKey javaKey, PublicKey goKey, String diag) throws Exception {
    java.awaitEvent(e -> "peer".equals(e.getString("event")) && goKey.hex().equals(e.getString("key")), 20_000)
        .orElseThrow(() -> new AssertionError("Go never peered with the Java node" + diag));
    Thread.sleep(1_500); // routes both ways (bootstraps), yet no QUIC connection: neither side has sent a request
    int count = 20;
    go.command("many " + javaKey.hex() + " " + count + " /go-race");
    java.command("many " + goKey.hex() + " " + count + " /java-race");
    long start = System.nanoTime();
    JsonObject javaMany = java.awaitEvent(e -> "many".equals(e.getString("event"))
        && "/java-race".equals(e.getString("prefix")), 60_000)
        .orElseThrow(() -> new AssertionError("Java's racing requests never finished" + diag));
    String goMany = go.awaitLine(l -> l.startsWith("MANY "), 60_000)
        .orElseThrow(() -> new AssertionError("Go's racing requests never finished" + diag));
    long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    java.command("stats");
    JsonObject stats = java.awaitEvent(e -> "stats".equals(e.getString("event")), 5_000).orElse(new JsonObject());
    System.err.printf("[go-sessions] race: Java %s, Go %s, both done in %d ms, Java saw %s dial race(s)%n",
        javaMany.encode(), goMany, ms, stats.getValue("races"));
    assertEquals(count, javaMany.getInteger("ok"), "Java -> Go while both dial: " + javaMany + diag);
    assertTrue(goMany.startsWith("MANY ok=" + count + " bad=0"), "Go -> Java while both dial: " + goMany + diag);
    assertTrue(ms < 15_000, "the racing requests took " + ms + " ms: something waited for a timeout" + diag);
  }

  /** Java -> Go, retried until the overlay has routes both ways (a lost handshake times out after 5 s). */
  private static void javaToGo(Child java, PublicKey goKey, int attempts, String diag) throws Exception {
    JsonObject answer = null;
    for (int attempt = 0; attempt < attempts && (answer == null || answer.getInteger("status") != 200); attempt++) {
      String path = "/from-java/" + attempt;
      java.command("get " + goKey.hex() + " " + path);
      answer = java.awaitEvent(e -> "response".equals(e.getString("event")) && path.equals(e.getString("path")),
          25_000).orElse(null);
    }
    assertTrue(answer != null && answer.getInteger("status") == 200, "Java -> Go failed: " + answer + diag);
    assertTrue(answer.getString("body").startsWith("go:GET /from-java/"), answer.encode());
    assertEquals(goKey.hex(), answer.getString("goHost"), "Go saw Host: <its hex key>");
  }

  /** Go -> Java, retried like {@link #javaToGo}; Java must see {@code Host: <its key>} and Go's proven key. */
  private static void goToJava(Child go, PublicKey javaKey, PublicKey goKey, int attempts, String diag)
      throws Exception {
    String line = null;
    for (int attempt = 0; attempt < attempts && (line == null || !line.startsWith("RESPONSE")); attempt++) {
      String path = "/from-go/" + attempt;
      go.command("get " + javaKey.hex() + " " + path);
      line = go.awaitLine(l -> l.startsWith("RESPONSE " + path + " ") || l.startsWith("ERROR " + path + " "),
          25_000).orElse(null);
      if (line != null && line.startsWith("RESPONSE")) {
        assertEquals("RESPONSE " + path + " 200 java:GET " + path + " host=" + javaKey.hex() + " peer="
            + goKey.hex(), line, diag);
      }
    }
    assertTrue(line != null && line.startsWith("RESPONSE"), "Go -> Java failed: " + line + diag);
  }

  private static String seed() {
    byte[] seed = new byte[32];
    new SecureRandom().nextBytes(seed);
    return HexFormat.of().formatHex(seed);
  }

  private static Path findScript() {
    for (Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      for (Path candidate : List.of(dir.resolve("src/test/go/sessionpeer/build.sh"),
          dir.resolve("overlay/src/test/go/sessionpeer/build.sh"))) {
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
    }
    return null;
  }
}
