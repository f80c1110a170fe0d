package dev.larch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.json.JsonMapper;
import dev.larch.server.config.ConfigLoader;
import dev.larch.server.config.LarchConfig;
import dev.larch.server.config.RunFlags;
import dev.larch.server.identity.KeyFile;
import dev.larch.server.identity.NodeIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three whole nodes on 127.0.0.1, configured through the real {@code ./larch run} flags: B reaches A with
 * {@code --static-peer} over TCP, C with {@code --static-peer ws://…/ws} on A's client port. Each node's
 * {@code GET /pinecone} must show its neighbours and the same root, the highest key. Multicast is always off: tests
 * never send to the LAN.
 */
class P2pPeeringTest {
  private static final Duration CONVERGENCE = Duration.ofSeconds(30);

  @TempDir Path dir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final List<LarchServer> servers = new ArrayList<>();

  @AfterEach
  void stopAll() {
    Collections.reverse(servers);
    servers.forEach(LarchServer::close);
  }

  private Node start(String name, String... extraFlags) throws Exception {
    List<String> args = new ArrayList<>(List.of("--data-dir", dir.resolve(name).toString(),
        "--client-listen", "127.0.0.1:0", "--overlay-listen", "127.0.0.1:0", "--no-multicast"));
    args.addAll(List.of(extraFlags));
    RunFlags flags = RunFlags.parse(args);
    LarchConfig config = ConfigLoader.load(null, flags.values(), flags.lists());
    NodeIdentity identity =
        NodeIdentity.of(KeyFile.loadOrCreate(config.dataPath(), new SecureRandom()), config.classicServerName());
    LarchServer server = LarchServer.start(config, identity);
    servers.add(server);
    return new Node(name, identity.serverName(), server);
  }

  @Test
  void staticTcpAndWebSocketPeers_formOneTree_visibleAtPinecone() throws Exception {
    Node a = start("a");
    Node b = start("b", "--static-peer", "127.0.0.1:" + a.server.overlayTcpPort());
    Node c = start("c", "--static-peer", "ws://127.0.0.1:" + a.server.clientAddress().port() + "/ws");
    String root = new TreeSet<>(List.of(a.key, b.key, c.key)).last(); // hex of equal length sorts as the key does

    long deadline = System.nanoTime() + CONVERGENCE.toNanos();
    List<String> last = List.of();
    while (System.nanoTime() < deadline) {
      List<String> problems = new ArrayList<>();
      check(a, Set.of(b.key, c.key), root, problems);
      check(b, Set.of(a.key), root, problems);
      check(c, Set.of(a.key), root, problems);
      if (problems.isEmpty()) {
        return;
      }
      last = problems;
      Thread.sleep(200);
    }
    fail("the three nodes did not converge within " + CONVERGENCE.toSeconds() + " s (a=" + a.key + " b=" + b.key
        + " c=" + c.key + "): " + String.join("; ", last));
  }

  /** Adds to {@code problems} what node {@code n}'s manhole still lacks. */
  private void check(Node n, Set<String> neighbours, String root, List<String> problems) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + n.server.clientAddress().port() + "/pinecone"))
            .timeout(Duration.ofSeconds(5))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    assertEquals(200, response.statusCode(), n.name + ": " + response.body());
    assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(""));
    JsonNode body = JsonMapper.shared().readTree(response.body());
    assertEquals(n.key, body.get("public_key").asText(), n.name + ": the overlay key is the P2P server name");
    Set<String> peers = new TreeSet<>();
    body.get("peers").fieldNames().forEachRemaining(peers::add);
    String seenRoot = body.get("root").get("root_public_key").asText();
    if (!peers.equals(neighbours)) {
      problems.add(n.name + " has peers " + peers + ", expected " + neighbours);
    }
    if (!seenRoot.equals(root)) {
      problems.add(n.name + " has root " + seenRoot + ", expected " + root);
    }
  }

  private record Node(String name, String key, LarchServer server) {}
}
