package dev.larch.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ConfigLoaderTest {
  private static final String FILE = "test.yaml";

  private static LarchConfig parse(String yaml, Map<String, String> flags) throws ConfigException {
    return ConfigLoader.parse(yaml, FILE, flags);
  }

  private static String onlyProblem(String yaml, Map<String, String> flags) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml, flags));
    assertEquals(1, e.problems().size(), () -> "problems: " + e.problems());
    return e.problems().get(0);
  }

  @Test
  void parse_withoutFileOrFlags_returnsDefaults() throws ConfigException {
    assertEquals(LarchConfig.defaults(), parse(null, Map.of()));
    assertEquals(LarchConfig.defaults(), parse("", Map.of()));
    assertEquals(LarchConfig.defaults(), parse("# only a comment\n", Map.of()));
  }

  @Test
  void parse_withPartialFile_keepsDefaultsForTheRest() throws ConfigException {
    LarchConfig config = parse("server_name: example.org\nclient:\n", Map.of());
    assertEquals("example.org", config.serverName());
    assertEquals("127.0.0.1:8008", config.client().listen());
    assertEquals("./data", config.dataDir());
  }

  @Test
  void parse_flagAndFileSetSameKey_flagWins() throws ConfigException {
    LarchConfig config =
        parse("client:\n  listen: 127.0.0.1:9000\ndata_dir: /var/lib/larch\n", Map.of("client.listen", "[::1]:9001"));
    assertEquals("[::1]:9001", config.client().listen());
    assertEquals(new HostPort("::1", 9001), config.client().listenAddress());
    assertEquals("/var/lib/larch", config.dataDir());
  }

  @Test
  void parse_unknownTopLevelKey_namesKeyAndFile() {
    String problem = onlyProblem("servr_name: example.org\n", Map.of());
    assertTrue(problem.startsWith(FILE + ": unknown key servr_name"), problem);
    assertTrue(problem.contains("server_name"), "lists the known keys: " + problem);
  }

  @Test
  void parse_unknownNestedKey_namesDottedKey() {
    String problem = onlyProblem("client:\n  lisen: 127.0.0.1:8008\n", Map.of());
    assertTrue(problem.startsWith(FILE + ": unknown key client.lisen (known keys here: listen, public_base_url, max_body_bytes)"), problem);
  }

  @Test
  void parse_sectionGivenAsValue_namesKey() {
    assertTrue(onlyProblem("client: 127.0.0.1:8008\n", Map.of()).contains("client: must be a section"));
  }

  @Test
  void parse_valueGivenAsList_namesKey() {
    assertTrue(onlyProblem("data_dir: [a, b]\n", Map.of()).contains("data_dir: must be a single value"));
  }

  @Test
  void parse_notAMapping_saysSo() {
    assertTrue(onlyProblem("- just\n- a list\n", Map.of()).contains("must be a mapping"));
  }

  @Test
  void parse_invalidYaml_givesLine() {
    String problem = onlyProblem("client:\n  listen: [unclosed\n", Map.of());
    assertTrue(problem.startsWith(FILE + ": invalid YAML at line"), problem);
  }

  @Test
  void parse_duplicateKey_isAnError() {
    assertTrue(onlyProblem("data_dir: a\ndata_dir: b\n", Map.of()).contains("invalid YAML"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1:65536", "127.0.0.1:99999999", "127.0.0.1:-1", "127.0.0.1:http", "127.0.0.1:"})
  void parse_badPortFromFlag_namesFlag(String value) {
    String problem = onlyProblem(null, Map.of("client.listen", value));
    assertTrue(problem.startsWith("--client-listen: "), problem);
  }

  @ParameterizedTest
  @ValueSource(strings = {"8008", "localhost", "", "::1:8008", "bad host:8008", ":8008"})
  void parse_badHostPortFromFile_namesFileAndKey(String value) {
    String problem = onlyProblem("client:\n  listen: \"" + value + "\"\n", Map.of());
    assertTrue(problem.startsWith(FILE + ": client.listen: "), problem);
  }

  @ParameterizedTest
  @ValueSource(strings = {"localhost:0", "0.0.0.0:8008", "[::]:443", "matrix.example.org:8008"})
  void parse_goodListen_isAccepted(String value) throws ConfigException {
    assertEquals(value, parse(null, Map.of("client.listen", value)).client().listenAddress().toString());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "exa mple.org",
        "example.org:0",
        "example.org:99999",
        "example.org:",
        ".example.org",
        "example..org",
        "under_score.org",
        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
      })
  void parse_badServerName_namesFlag(String value) {
    String problem = onlyProblem(null, Map.of("server_name", value));
    assertTrue(problem.startsWith("--server-name: "), problem);
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.org", "example.org:8448", "localhost", "1.2.3.4", "[1234:5678::abcd]:8448"})
  void parse_goodServerName_isAccepted(String value) throws ConfigException {
    assertEquals(value, parse(null, Map.of("server_name", value)).serverName());
  }

  @Test
  void parse_badDatabaseUrl_namesKeyButNotValue() {
    String problem = onlyProblem("database:\n  url: mysql://user:secret@host/db\n", Map.of());
    assertTrue(problem.startsWith(FILE + ": database.url: "), problem);
    assertTrue(!problem.contains("secret"), "never echoes a URL that may carry a password: " + problem);
  }

  @Test
  void parse_emptyDataDir_namesKey() {
    assertTrue(onlyProblem("data_dir: \"\"\n", Map.of()).startsWith(FILE + ": data_dir: "));
  }

  @Test
  void parse_severalProblems_reportsAllAtOnce() {
    ConfigException e =
        assertThrows(
            ConfigException.class,
            () -> parse("client:\n  listen: nope\n", Map.of("server_name", "bad name", "database.url", "x")));
    assertEquals(3, e.problems().size(), () -> "problems: " + e.problems());
  }

  @Test
  void parse_severalUnknownKeys_reportsAll() {
    ConfigException e = assertThrows(ConfigException.class, () -> parse("a: 1\nb: 2\nclient:\n  c: 3\n", Map.of()));
    assertEquals(3, e.problems().size(), () -> "problems: " + e.problems());
  }

  @Test
  void load_missingFile_namesFile(@TempDir Path dir) {
    Path missing = dir.resolve("nope.yaml");
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(missing, Map.of()));
    assertEquals(List.of("config file " + missing + " does not exist"), e.problems());
  }

  @Test
  void load_directoryInsteadOfFile_namesFile(@TempDir Path dir) {
    ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(dir, Map.of()));
    assertTrue(e.problems().get(0).startsWith("cannot read config file " + dir), e.problems().toString());
  }

  @Test
  void load_file_readsIt(@TempDir Path dir) throws IOException, ConfigException {
    Path file = Files.writeString(dir.resolve("larch.yaml"), "server_name: example.org\n");
    assertEquals("example.org", ConfigLoader.load(file, Map.of()).serverName());
  }

  @Test
  void keys_listsEveryLeafInFileOrder() {
    assertEquals(
        List.of("data_dir", "server_name", "client.listen", "client.public_base_url", "client.max_body_bytes",
            "database.url", "database.pool_size", "registration.policy", "registration.tokens",
            "rate_limits.login.per_second", "rate_limits.login.burst", "rate_limits.register.per_second",
            "rate_limits.register.burst", "media.max_upload_bytes", "overlay.enabled", "overlay.listen",
            "overlay.static_peers", "overlay.multicast", "overlay.relay", "overlay.relays", "federation.listen",
            "federation.tls_certificate",
            "federation.tls_private_key", "federation.verify_certificates", "federation.allow_loopback",
            "federation.trusted_key_servers", "federation.key_validity_hours", "federation.well_known_server"),
        ConfigLoader.keys());
  }

  @Test
  void flagFor_turnsDotsAndUnderscoresIntoDashes() {
    assertEquals("--client-listen", ConfigLoader.flagFor("client.listen"));
    assertEquals("--data-dir", ConfigLoader.flagFor("data_dir"));
    assertEquals("--overlay-listen", ConfigLoader.flagFor("overlay.listen"));
    assertEquals("--static-peer", ConfigLoader.flagFor("overlay.static_peers"));
    assertEquals("--federation-listen", ConfigLoader.flagFor("federation.listen"));
    assertEquals("--trusted-key-server", ConfigLoader.flagFor("federation.trusted_key_servers"));
  }

  @Test
  void jdbcUrl_whenUnset_isH2FileInDataDir() throws ConfigException {
    LarchConfig config = parse(null, Map.of("data_dir", "/srv/larch"));
    assertEquals("jdbc:h2:file:/srv/larch/larch", config.database().jdbcUrl(config.dataPath()));
  }
}
