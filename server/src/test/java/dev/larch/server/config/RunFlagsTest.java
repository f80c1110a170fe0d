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

  @Test
  void parse_staticPeer_isRepeatable_inOrder() throws ConfigException {
    RunFlags flags =
        RunFlags.parse(List.of("--static-peer", "10.0.0.1:5977", "--static-peer=ws://127.0.0.1:8008/ws"));
    assertEquals(Map.of("overlay.static_peers", List.of("10.0.0.1:5977", "ws://127.0.0.1:8008/ws")), flags.lists());
    assertEquals(Map.of(), flags.values());
  }

  @Test
  void parse_overlayListen_isAValueFlag() throws ConfigException {
    assertEquals(Map.of("overlay.listen", "127.0.0.1:0"), RunFlags.parse(List.of("--overlay-listen", "127.0.0.1:0"))
        .values());
  }

  @Test
  void parse_noMulticast_takesNoValue_andTurnsMulticastOff() throws ConfigException {
    RunFlags flags = RunFlags.parse(List.of("--no-multicast", "--data-dir", "d"));
    assertEquals(Map.of("overlay.multicast", "false", "data_dir", "d"), flags.values());
  }

  @Test
  void parse_noMulticastWithValue_isAnError() {
    ConfigException e = assertThrows(ConfigException.class, () -> RunFlags.parse(List.of("--no-multicast=true")));
    assertTrue(e.problems().get(0).startsWith("--no-multicast takes no value"), e.problems().toString());
  }

  @Test
  void parse_staticPeerWithoutValue_namesFlag() {
    ConfigException e = assertThrows(ConfigException.class, () -> RunFlags.parse(List.of("--static-peer")));
    assertEquals(List.of("--static-peer needs a value"), e.problems());
  }

  @Test
  void parse_derivedListFlagName_isUnknown() {
    ConfigException e =
        assertThrows(ConfigException.class, () -> RunFlags.parse(List.of("--overlay-static-peers=1.2.3.4:5")));
    assertEquals(List.of("unknown flag --overlay-static-peers (see ./larch run --help)"), e.problems());
  }
}
