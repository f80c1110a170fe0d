package dev.larch.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.user.PasswordHasher;
import dev.larch.server.config.ConfigLoader;
import dev.larch.server.config.LarchConfig;
import dev.larch.server.identity.KeyFile;
import dev.larch.server.identity.NodeIdentity;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The wiring: a started server opens its database (H2 in the data dir by default, or {@code database.url}), serves
 * accounts from it, keeps them across a restart, and reports a database it cannot open as a start failure.
 */
class HomeserverTest {
  @TempDir Path dataDir;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private LarchConfig config(Map<String, String> extra) throws Exception {
    Map<String, String> flags = new HashMap<>(Map.of("data_dir", dataDir.toString(), "client.listen", "127.0.0.1:0",
        "server_name", "larch.test"));
    flags.putAll(extra);
    return ConfigLoader.parse(null, null, flags);
  }

  private static NodeIdentity identity(LarchConfig config) throws Exception {
    return NodeIdentity.of(KeyFile.loadOrCreate(config.dataPath(), new SecureRandom()), config.classicServerName());
  }

  private JsonNode call(LarchServer server, String method, String path, String body, String token, int status)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.clientAddress().port() + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(status, response.statusCode(), response.body());
    return JsonMapper.shared().readTree(response.body());
  }

  @Test
  void accounts_areServedFromTheDataDirDatabase_andSurviveARestart() throws Exception {
    LarchConfig config = config(Map.of());
    String token;
    try (LarchServer server = LarchServer.start(config, identity(config), PasswordHasher.FOR_TESTS)) {
      JsonNode registered = call(server, "POST", "/_matrix/client/v3/register",
          "{\"username\":\"alice\",\"password\":\"pw\",\"auth\":{\"type\":\"m.login.dummy\"}}", null, 200);
      assertEquals("@alice:larch.test", registered.get("user_id").asText());
      token = registered.get("access_token").asText();
    }
    assertTrue(Files.exists(dataDir.resolve("larch.mv.db")), "H2 file in the data dir");

    try (LarchServer server = LarchServer.start(config, identity(config), PasswordHasher.FOR_TESTS)) {
      assertEquals("@alice:larch.test",
          call(server, "GET", "/_matrix/client/v3/account/whoami", null, token, 200).get("user_id").asText());
      call(server, "POST", "/_matrix/client/v3/login",
          "{\"type\":\"m.login.password\",\"user\":\"alice\",\"password\":\"pw\"}", null, 200);
    }
  }

  @Test
  void registrationPolicyClosed_fromConfig_is403() throws Exception {
    LarchConfig config = config(Map.of("registration.policy", "closed"));
    try (LarchServer server = LarchServer.start(config, identity(config), PasswordHasher.FOR_TESTS)) {
      assertEquals("M_FORBIDDEN",
          call(server, "POST", "/_matrix/client/v3/register", "{}", null, 403).get("errcode").asText());
    }
  }

  @Test
  void postgresUrl_isUsedWhenGiven() throws Exception {
    String url = System.getenv("LARCH_TEST_POSTGRES_URL");
    org.junit.jupiter.api.Assumptions.assumeTrue(url != null && !url.isBlank(), "LARCH_TEST_POSTGRES_URL not set");
    String schema = "t_wiring_" + Long.toHexString(new SecureRandom().nextLong() & Long.MAX_VALUE);
    try (var c = java.sql.DriverManager.getConnection(url); var s = c.createStatement()) {
      s.execute("CREATE SCHEMA " + schema);
    }
    try {
      LarchConfig config = config(Map.of("database.url", url + "&currentSchema=" + schema));
      try (LarchServer server = LarchServer.start(config, identity(config), PasswordHasher.FOR_TESTS)) {
        call(server, "POST", "/_matrix/client/v3/register",
            "{\"username\":\"pat\",\"auth\":{\"type\":\"m.login.dummy\"}}", null, 200);
      }
      assertTrue(Files.notExists(dataDir.resolve("larch.mv.db")), "no H2 file when PostgreSQL is configured");
    } finally {
      try (var c = java.sql.DriverManager.getConnection(url); var s = c.createStatement()) {
        s.execute("DROP SCHEMA " + schema + " CASCADE");
      }
    }
  }

  @Test
  void unreachableDatabase_failsTheStart_withoutQuotingTheUrl() throws Exception {
    LarchConfig config = config(Map.of("database.url",
        "jdbc:postgresql://127.0.0.1:1/none?user=u&password=hunter2&connectTimeout=2"));
    StartException e = assertThrows(StartException.class,
        () -> LarchServer.start(config, identity(config), PasswordHasher.FOR_TESTS));
    assertTrue(e.getMessage().startsWith("cannot open the database (database.url)"), e.getMessage());
    assertTrue(!e.getMessage().contains("hunter2"), e.getMessage());
  }
}
