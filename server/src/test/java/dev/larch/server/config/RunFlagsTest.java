package dev.larch.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RunFlagsTest {

  @Test
  void parse_spaceAndEqualsForms_giveSameValues() throws ConfigException {
    RunFlags spaced = RunFlags.parse(List.of("--data-dir", "/tmp/x", "--client-listen", "127.0.0.1:0"));
    RunFlags joined = RunFlags.parse(List.of("--data-dir=/tmp/x", "--client-listen=127.0.0.1:0"));
    assertEquals(Map.of("data_dir", "/tmp/x", "client.listen", "127.0.0.1:0"), spaced.values());
    assertEquals(spaced, joined);
  }

  @Test
  void parse_config_isNotAConfigKey() throws ConfigException {
    RunFlags flags = RunFlags.parse(List.of("--config", "other.yaml", "--server-name=example.org"));
    assertEquals(Optional.of(Path.of("other.yaml")), flags.configFile());
    assertEquals(Map.of("server_name", "example.org"), flags.values());
  }

  @Test
  void parse_emptyValueAfterEquals_isKeptForValidation() throws ConfigException {
    assertEquals(Map.of("server_name", ""), RunFlags.parse(List.of("--server-name=")).values());
  }

  @Test
  void parse_repeatedFlag_lastWins() throws ConfigException {
    assertEquals("b", RunFlags.parse(List.of("--data-dir=a", "--data-dir=b")).values().get("data_dir"));
  }

  @Test
  void parse_help_isRecognised() throws ConfigException {
    assertTrue(RunFlags.parse(List.of("--help")).help());
    assertTrue(RunFlags.parse(List.of("-h")).help());
  }

  @Test
  void parse_unknownFlag_namesIt() {
    ConfigException e = assertThrows(ConfigException.class, () -> RunFlags.parse(List.of("--listen=1")));
    assertEquals(List.of("unknown flag --listen (see ./larch run --help)"), e.problems());
  }

  @Test
  void parse_unknownFlagWithSpacedValue_reportsOnlyTheFlag() {
    ConfigException e = assertThrows(ConfigException.class, () -> RunFlags.parse(List.of("--port", "8008")));
    assertEquals(List.of("unknown flag --port (see ./larch run --help)"), e.problems());
  }

  @Test
  void parse_missingValue_namesFlag() {
    ConfigException e = assertThrows(ConfigException.class, () -> RunFlags.parse(List.of("--data-dir")));
    assertEquals(List.of("--data-dir needs a value"), e.problems());
    e = assertThrows(ConfigException.class, () -> RunFlags.parse(List.of("--data-dir", "--server-name=x")));
    assertEquals(List.of("--data-dir needs a value"), e.problems());
  }

  @Test
  void parse_strayArgument_isAnError() {
    ConfigException e = assertThrows(ConfigException.class, () -> RunFlags.parse(List.of("data")));
    assertTrue(e.problems().get(0).startsWith("unexpected argument \"data\""));
  }

  @Test
  void parse_severalBadFlags_reportsAll() {
    ConfigException e = assertThrows(ConfigException.class, () -> RunFlags.parse(List.of("--a", "--b=1", "x")));
    assertEquals(3, e.problems().size());
  }
}
