package dev.larch.server.federation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.json.JsonMapper;
import dev.larch.server.LarchServer;
import dev.larch.server.TestLarchServers;
import dev.larch.server.config.ConfigLoader;
import dev.larch.server.config.LarchConfig;
import dev.larch.server.identity.KeyFile;
import dev.larch.server.identity.NodeIdentity;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two classic-mode servers in one JVM, federating over their real TLS listeners on loopback (self-signed
 * certificates, verification off, loopback allowed), driven only through their client APIs: a join by alias, paging
 * back through more history than the join fetched, messages both ways, an invite across servers, a restart of one server while the other sends, a leave, and
 * remote media with its thumbnail.
 */
class TwoServerFederationTest {
  /** How long a message may take to cross: covers a send retry after one failed attempt (5 s backoff, jitter). */
  private static final Duration ARRIVAL = Duration.ofSeconds(60);
  /** Messages sent before B joins: more than the 50 events a join backfills. */
  private static final int HISTORY = 70;

  @TempDir Path tempDir;

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicInteger txn = new AtomicInteger();
  private final List<Node> nodes = new ArrayList<>();

  /** One server: its name and config (ports fixed, so a restart comes back where it was) and the running server. */
  private final class Node {
    final String name;
    final LarchConfig config;
    LarchServer server;

    Node(String label) throws Exception {
      int federationPort = freePort();
      name = "localhost:" + federationPort;
      Path dataDir = Files.createDirectories(tempDir.resolve(label));
      config = ConfigLoader.parse(null, null, Map.of("data_dir", dataDir.toString(), "server_name", name,
          "client.listen", "127.0.0.1:" + freePort(), "federation.listen", "127.0.0.1:" + federationPort,
          "federation.verify_certificates", "false", "federation.allow_loopback", "true"));
      start();
      nodes.add(this);
    }

    void start() throws Exception {
      NodeIdentity identity =
          NodeIdentity.of(KeyFile.loadOrCreate(config.dataPath(), new SecureRandom()), config.classicServerName());
      server = TestLarchServers.start(config, identity);
    }

    void stop() {
      server.close();
    }

    String base() {
      return "http://127.0.0.1:" + server.clientAddress().port();
    }
  }

  /** A user logged in on one node. */
  private record User(Node node, String userId, String token) {}

  @AfterEach
  void stopAll() {
    nodes.forEach(Node::stop);
  }

  private static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }

  private static String enc(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private JsonNode call(Node node, String method, String path, String body, String token, int status)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(node.base() + path))
        .timeout(Duration.ofSeconds(30))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(status, response.statusCode(), method + " " + path + ": " + response.body());
    return JsonMapper.shared().readTree(response.body());
  }

  private JsonNode call(User user, String method, String path, String body) throws Exception {
    return call(user.node(), method, path, body, user.token(), 200);
  }

  private User register(Node node, String localpart) throws Exception {
    JsonNode done = call(node, "POST", "/_matrix/client/v3/register", "{\"username\":\"" + localpart
        + "\",\"password\":\"correct horse battery\",\"auth\":{\"type\":\"m.login.dummy\"}}", null, 200);
    return new User(node, done.get("user_id").asText(), done.get("access_token").asText());
  }

  private String send(User user, String roomId, String body) throws Exception {
    return call(user, "PUT", "/_matrix/client/v3/rooms/" + enc(roomId) + "/send/m.room.message/t"
        + txn.incrementAndGet(), "{\"msgtype\":\"m.text\",\"body\":\"" + body + "\"}").get("event_id").asText();
  }

  /**
   * Syncs {@code user} from {@code since} (null: initial) until a response satisfies {@code until}; returns that
   * response. Fails after {@link #ARRIVAL}.
   */
  private JsonNode syncUntil(User user, String since, Predicate<JsonNode> until, String what) throws Exception {
    long deadline = System.nanoTime() + ARRIVAL.toNanos();
    String from = since;
    while (true) {
      JsonNode response = call(user, "GET", "/_matrix/client/v3/sync?timeout=2000"
          + (from == null ? "" : "&since=" + enc(from)), null);
      if (until.test(response)) {
        return response;
      }
      from = response.get("next_batch").asText();
      assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what + " at " + user.userId());
    }
  }

  private static List<JsonNode> timeline(JsonNode sync, String roomId) {
    List<JsonNode> events = new ArrayList<>();
    sync.path("rooms").path("join").path(roomId).path("timeline").path("events").forEach(events::add);
    return events;
  }

  private static Predicate<JsonNode> hasEvent(String roomId, String eventId) {
    return sync -> timeline(sync, roomId).stream().anyMatch(e -> eventId.equals(e.path("event_id").asText()));
  }

  private static List<String> bodies(JsonNode events) {
    List<String> bodies = new ArrayList<>();
    events.forEach(e -> {
      if (e.path("type").asText().equals("m.room.message")) {
        bodies.add(e.path("content").path("body").asText());
      }
    });
    return bodies;
  }

  @Test
  void twoServers_joinByAlias_talkBothWays_invite_leave_surviveARestart_andShareMedia() throws Exception {
    Node a = new Node("a");
    Node b = new Node("b");
    User alice = register(a, "alice");
    User bob = register(b, "bob");
    User carol = register(a, "carol");

    // Alice makes a public room with an alias on A (where anyone may invite) and says two things before anyone
    // else is there.
    String roomId = call(alice, "POST", "/_matrix/client/v3/createRoom", "{\"preset\":\"public_chat\","
        + "\"room_alias_name\":\"lobby\",\"power_level_content_override\":{\"invite\":0}}").get("room_id").asText();
    // More history than a join backfills (50 events), so paging back on B has to fetch the rest from A.
    List<String> said = new ArrayList<>();
    for (int i = 1; i <= HISTORY; i++) {
      said.add("history " + i);
      send(alice, roomId, "history " + i);
    }
    String alias = "#lobby:" + a.name;

    // Bob joins through B by alias: B resolves it over federation and joins through A.
    JsonNode joined = call(bob, "POST", "/_matrix/client/v3/join/" + enc(alias), "{}");
    assertEquals(roomId, joined.get("room_id").asText());
    // A stored Bob's join when B sent it (send_join answers after persisting it).
    assertTrue(call(alice, "GET", "/_matrix/client/v3/rooms/" + enc(roomId) + "/joined_members", null)
        .path("joined").has(bob.userId()));
    String aliceSince = syncUntil(alice, null, s -> true, "an initial sync").get("next_batch").asText();
    JsonNode bobSync = syncUntil(bob, null, s -> s.path("rooms").path("join").has(roomId), "the joined room");
    String bobSince = bobSync.get("next_batch").asText();

    // B pages back through all of it with /messages, down to the room's creation, fetching from A on demand.
    List<String> pagedBack = new ArrayList<>();
    boolean sawCreate = false;
    String from = null;
    for (int pages = 0; pages < 20; pages++) {
      JsonNode page = call(bob, "GET", "/_matrix/client/v3/rooms/" + enc(roomId) + "/messages?dir=b&limit=20"
          + (from == null ? "" : "&from=" + enc(from)), null);
      pagedBack.addAll(bodies(page.get("chunk")));
      for (JsonNode e : page.get("chunk")) {
        sawCreate |= e.path("type").asText().equals("m.room.create");
      }
      if (!page.hasNonNull("end")) {
        break;
      }
      from = page.get("end").asText();
    }
    List<String> newestFirst = new ArrayList<>(said);
    java.util.Collections.reverse(newestFirst);
    assertEquals(newestFirst, pagedBack);
    assertTrue(sawCreate, "paged back to the room's creation");
    // What was fetched is history, not news: B's next /sync shows none of it.
    JsonNode quiet = call(bob, "GET", "/_matrix/client/v3/sync?timeout=0&since=" + enc(bobSince), null);
    assertEquals(List.of(), bodies(quiet.path("rooms").path("join").path(roomId).path("timeline").path("events")));

    // Messages both ways, seen through /sync.
    String fromB = send(bob, roomId, "hello from B");
    aliceSince = syncUntil(alice, aliceSince, hasEvent(roomId, fromB), "Bob's message").get("next_batch").asText();
    String fromA = send(alice, roomId, "hello from A");
    JsonNode seen = syncUntil(bob, bobSince, hasEvent(roomId, fromA), "Alice's message");
    bobSince = seen.get("next_batch").asText();
    assertEquals(alice.userId(), timeline(seen, roomId).stream()
        .filter(e -> e.path("event_id").asText().equals(fromA)).findFirst().orElseThrow().path("sender").asText());

    // Bob (on B) invites Carol (on A): Carol sees the invite on A and joins there.
    call(bob, "POST", "/_matrix/client/v3/rooms/" + enc(roomId) + "/invite",
        "{\"user_id\":\"" + carol.userId() + "\"}");
    JsonNode invited = syncUntil(carol, null, s -> s.path("rooms").path("invite").has(roomId), "the invite");
    boolean inviteBySender = false;
    for (JsonNode e : invited.path("rooms").path("invite").path(roomId).path("invite_state").path("events")) {
      inviteBySender |= e.path("type").asText().equals("m.room.member")
          && e.path("state_key").asText().equals(carol.userId()) && e.path("sender").asText().equals(bob.userId());
    }
    assertTrue(inviteBySender, "the invite names Bob as its sender: " + invited);
    call(carol, "POST", "/_matrix/client/v3/rooms/" + enc(roomId) + "/join", "{}");
    syncUntil(bob, bobSince, s -> timeline(s, roomId).stream().anyMatch(e -> e.path("type").asText()
        .equals("m.room.member") && e.path("state_key").asText().equals(carol.userId())
        && e.path("content").path("membership").asText().equals("join")), "Carol's join");

    // B goes down; Alice sends meanwhile; B comes back on the same data dir and ports and gets the message.
    b.stop();
    String whileDown = send(alice, roomId, "sent while B was down");
    b.start();
    JsonNode afterRestart = syncUntil(bob, bobSince, hasEvent(roomId, whileDown), "the message sent while down");
    bobSince = afterRestart.get("next_batch").asText();
    // And B still talks to A after its restart.
    String afterB = send(bob, roomId, "back from B");
    aliceSince = syncUntil(alice, aliceSince, hasEvent(roomId, afterB), "Bob's message after the restart")
        .get("next_batch").asText();

    // Bob leaves: A sees the leave, and Bob is no longer a member there.
    call(bob, "POST", "/_matrix/client/v3/rooms/" + enc(roomId) + "/leave", "{}");
    syncUntil(alice, aliceSince, s -> timeline(s, roomId).stream().anyMatch(e -> e.path("type").asText()
        .equals("m.room.member") && e.path("state_key").asText().equals(bob.userId())
        && e.path("content").path("membership").asText().equals("leave")), "Bob's leave");
    JsonNode members = call(alice, "GET", "/_matrix/client/v3/rooms/" + enc(roomId) + "/joined_members", null);
    assertTrue(members.path("joined").has(carol.userId()), members.toString());
    assertTrue(!members.path("joined").has(bob.userId()), members.toString());

    // Media crosses too: Alice uploads an image on A; Bob downloads it and a thumbnail of it through B.
    byte[] png = png(200, 100);
    HttpResponse<String> uploaded = http.send(HttpRequest.newBuilder(
            URI.create(a.base() + "/_matrix/media/v3/upload?filename=a.png"))
        .header("Authorization", "Bearer " + alice.token()).header("Content-Type", "image/png")
        .POST(HttpRequest.BodyPublishers.ofByteArray(png)).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, uploaded.statusCode(), uploaded.body());
    URI mxc = URI.create(JsonMapper.shared().readTree(uploaded.body()).get("content_uri").asText());
    assertEquals(a.name, mxc.getAuthority());
    String media = "/_matrix/client/v1/media/%s/" + mxc.getAuthority() + mxc.getPath();
    HttpResponse<byte[]> download = getBytes(bob, String.format(media, "download"));
    assertEquals(200, download.statusCode());
    assertTrue(java.util.Arrays.equals(png, download.body()), "the original, byte for byte");
    HttpResponse<byte[]> thumbnail = getBytes(bob, String.format(media, "thumbnail") + "?width=32&height=32"
        + "&method=crop");
    assertEquals(200, thumbnail.statusCode(), new String(thumbnail.body(), StandardCharsets.UTF_8));
    BufferedImage small = ImageIO.read(new ByteArrayInputStream(thumbnail.body()));
    assertEquals(32, small.getWidth());
    assertEquals(32, small.getHeight());
    HttpResponse<byte[]> unknown = getBytes(bob, "/_matrix/client/v1/media/thumbnail/" + a.name
        + "/nosuchmedia?width=32&height=32");
    assertEquals(404, unknown.statusCode());
    assertEquals("M_NOT_FOUND", JsonMapper.shared().readTree(unknown.body()).path("errcode").asText());
  }

  private HttpResponse<byte[]> getBytes(User user, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(user.node().base() + path))
        .header("Authorization", "Bearer " + user.token()).timeout(Duration.ofSeconds(30)).GET().build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private static byte[] png(int width, int height) throws Exception {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    for (int x = 0; x < width; x++) {
      for (int y = 0; y < height; y++) {
        image.setRGB(x, y, (x * 3) << 16 | (y * 2) << 8 | 0x40);
      }
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ImageIO.write(image, "png", out);
    return out.toByteArray();
  }
}
