package dev.larch.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The {@code overlay} section: defaults, file and flag forms, and every bad value reported at its key. */
class OverlaySettingsTest {
  private static final String FILE = "test.yaml";

  private static LarchConfig parse(String yaml, Map<String, String> flags, Map<String, List<String>> lists)
      throws ConfigException {
    return ConfigLoader.parse(yaml, FILE, flags, lists);
  }

  private static String onlyProblem(String yaml, Map<String, String> flags, Map<String, List<String>> lists) {
    ConfigException e = assertThrows(ConfigException.class, () -> parse(yaml, flags, lists));
    assertEquals(1, e.problems().size(), () -> "problems: " + e.problems());
    return e.problems().get(0);
  }

  @Test
  void defaults_listenOnAllInterfacesAt5977_multicastOn_noStaticPeers() throws ConfigException {
    OverlaySettings overlay = parse(null, Map.of(), Map.of()).overlay();
    assertEquals(new HostPort("0.0.0.0", 5977), overlay.listenAddress());
    assertTrue(overlay.multicastOn());
    assertEquals(List.of(), overlay.staticPeers());
    assertEquals(null, overlay.enabled());
  }

  @Test
  void enabledUnset_runsInP2pModeOnly() throws ConfigException {
    assertTrue(parse(null, Map.of(), Map.of()).overlayRuns());
    assertFalse(parse(null, Map.of("server_name", "example.org"), Map.of()).overlayRuns());
  }

  @Test
  void enabledSet_winsOverTheMode() throws ConfigException {
    assertFalse(parse(null, Map.of("overlay.enabled", "false"), Map.of()).overlayRuns());
    assertTrue(parse("server_name: example.org\noverlay:\n  enabled: true\n", Map.of(), Map.of()).overlayRuns());
  }

  @Test
  void file_readsEveryKey() throws ConfigException {
    String yaml =
        """
        overlay:
          listen: "[::]:0"
          multicast: false
          static_peers:
            - 192.168.1.20:5977
            - ws://peer.example.org:8008/ws
        """;
    OverlaySettings overlay = parse(yaml, Map.of(), Map.of()).overlay();
    assertEquals(new HostPort("::", 0), overlay.listenAddress());
    assertFalse(overlay.multicastOn());
    assertEquals(List.of("192.168.1.20:5977", "ws://peer.example.org:8008/ws"), overlay.staticPeers());
  }

  @Test
  void emptyStaticPeersInFile_isEmptyList() throws ConfigException {
    assertEquals(List.of(), parse("overlay:\n  static_peers:\n", Map.of(), Map.of()).overlay().staticPeers());
  }

  @Test
  void staticPeerFlags_replaceTheFilesList() throws ConfigException {
    LarchConfig config =
        parse("overlay:\n  static_peers: [10.0.0.1:5977]\n", Map.of(),
            Map.of("overlay.static_peers", List.of("127.0.0.1:5977", "wss://a.example:443/ws")));
    assertEquals(List.of("127.0.0.1:5977", "wss://a.example:443/ws"), config.overlay().staticPeers());
  }

  @ParameterizedTest
  @ValueSource(strings = {"tcp://1.2.3.4:5977", "http://1.2.3.4/ws", "1.2.3.4", "1.2.3.4:0", "1.2.3.4:65536",
      "ws://", "ws://:8008/ws", "ws://host:99999/ws", "", "bad host:5977"})
  void badStaticPeerFromFlag_namesFlagAndValue(String peer) {
    String problem = onlyProblem(null, Map.of(), Map.of("overlay.static_peers", List.of("127.0.0.1:1", peer)));
    assertTrue(problem.startsWith("--static-peer: "), problem);
    if (!peer.isEmpty()) {
      assertTrue(problem.contains("\"" + peer + "\""), problem);
    }
  }

  @Test
  void badStaticPeerFromFile_namesFileAndKey() {
    String problem = onlyProblem("overlay:\n  static_peers: [\"udp://x:1\"]\n", Map.of(), Map.of());
    assertTrue(problem.startsWith(FILE + ": overlay.static_peers: \"udp://x:1\" has an unsupported scheme"), problem);
  }

  @ParameterizedTest
  @ValueSource(strings = {"[::1]:5977", "peer.local:5977", "ws://127.0.0.1:8008/ws", "wss://p.example.org/ws",
      "WS://10.0.0.1:80/ws"})
  void goodStaticPeer_isAccepted(String peer) throws ConfigException {
    List<String> peers = List.of(peer);
    assertEquals(peers, parse(null, Map.of(), Map.of("overlay.static_peers", peers)).overlay().staticPeers());
  }

  @Test
  void staticPeersGivenAsSingleValue_saysItMustBeAList() {
    String problem = onlyProblem("overlay:\n  static_peers: 10.0.0.1:5977\n", Map.of(), Map.of());
    assertTrue(problem.startsWith(FILE + ": overlay.static_peers: must be a list"), problem);
  }

  @Test
  void staticPeersWithNestedEntry_isAnError() {
    String problem = onlyProblem("overlay:\n  static_peers: [[a]]\n", Map.of(), Map.of());
    assertTrue(problem.startsWith(FILE + ": overlay.static_peers: each entry must be a single value"), problem);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0.0.0.0:65536", "0.0.0.0:-1", "5977", "", "0.0.0.0:x"})
  void badOverlayListen_namesFlag(String value) {
    String problem = onlyProblem(null, Map.of("overlay.listen", value), Map.of());
    assertTrue(problem.startsWith("--overlay-listen: "), problem);
  }

  @Test
  void overlayListenNotHostPort_citesTheOverlayExample() {
    String problem = onlyProblem("overlay:\n  listen: \"5977\"\n", Map.of(), Map.of());
    assertEquals(FILE + ": overlay.listen: \"5977\" is not HOST:PORT, e.g. 0.0.0.0:5977", problem);
  }

  @ParameterizedTest
  @ValueSource(strings = {"yes please", "1", ""})
  void badBooleans_nameTheirKeys(String value) {
    assertTrue(onlyProblem(null, Map.of("overlay.multicast", value), Map.of()).startsWith("--overlay-multicast: "));
    assertTrue(onlyProblem(null, Map.of("overlay.enabled", value), Map.of()).startsWith("--overlay-enabled: "));
  }

  @Test
  void yamlBooleans_areAccepted() throws ConfigException {
    LarchConfig config = parse("overlay:\n  enabled: false\n  multicast: False\n", Map.of(), Map.of());
    assertFalse(config.overlayRuns());
    assertFalse(config.overlay().multicastOn());
  }

  @Test
  void unknownOverlayKey_listsTheKnownOnes() {
    String problem = onlyProblem("overlay:\n  peers: []\n", Map.of(), Map.of());
    assertTrue(problem.startsWith(FILE + ": unknown key overlay.peers (known keys here: enabled, listen, static_peers,"
        + " multicast, relay, relays)"), problem);
  }

  @Test
  void relays_mustBeP2pNames_andRelayABoolean() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> parse("overlay:\n  relay: maybe\n  relays: [\"example.org\"]\n", Map.of(), Map.of()));
    String problems = e.problems().toString();
    assertEquals(2, e.problems().size(), problems);
    assertTrue(problems.contains("overlay.relay:") || problems.contains("overlay.relay "), problems);
    assertTrue(problems.contains("\"example.org\" is not a P2P server name"), problems);
  }

  @Test
  void relayFlags_turnRelayingOnAndNameRelays() throws Exception {
    String relay = "ab".repeat(32);
    LarchConfig config = parse(null, Map.of("overlay.relay", "true"), Map.of("overlay.relays", List.of(relay)));
    assertTrue(config.overlay().relayOn());
    assertEquals(List.of(relay), config.overlay().relays());
    assertEquals("--relay", ConfigLoader.flagFor("overlay.relay"));
    assertEquals("--relay-server", ConfigLoader.flagFor("overlay.relays"));
    assertFalse(parse(null, Map.of(), Map.of()).overlay().relayOn(), "off by default");
  }

  @Test
  void isList_onlyForStaticPeers() {
    assertTrue(ConfigLoader.isList("overlay.static_peers"));
    assertFalse(ConfigLoader.isList("overlay.listen"));
    assertFalse(ConfigLoader.isList("data_dir"));
  }
}
