package dev.larch.server.p2p;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import dev.larch.core.crypto.SigningKey;
import dev.larch.overlay.node.OverlayConfig;
import dev.larch.server.config.HostPort;
import dev.larch.server.config.OverlaySettings;
import dev.larch.server.identity.Mode;
import dev.larch.server.identity.NodeIdentity;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The pieces of the overlay wiring that need no network: key, config mapping, and the peering advice. */
class OverlayServiceTest {

  @Test
  void nodeKey_isTheSigningKey_soThePineconeAddressIsTheServerName() {
    SigningKey key = SigningKey.generate(new SecureRandom());
    String hex = HexFormat.of().formatHex(key.publicKey());
    NodeIdentity identity = new NodeIdentity(Mode.P2P, hex, NodeIdentity.P2P_KEY_ID, key);

    assertEquals(hex, OverlayService.nodeKey(identity).publicKey().hex());
  }

  @Test
  void overlayConfig_carriesEverySetting_withHopLimitingOn() {
    OverlaySettings settings = new OverlaySettings(null, "[::]:0", List.of("10.0.0.1:5977"), "false");
    OverlayConfig config = OverlayService.overlayConfig(settings);

    assertEquals("::", config.listenHost());
    assertEquals(0, config.listenPort());
    assertEquals(List.of("10.0.0.1:5977"), config.staticPeers());
    assertEquals(false, config.multicast());
    assertEquals(true, config.hopLimiting());
  }

  @Test
  void peerAddresses_wildcardBecomesThisMachine_loopbackIsLocalOnly() {
    assertEquals(PeerAddresses.THIS_MACHINE + ":5977", PeerAddresses.forOthers(new HostPort("0.0.0.0", 5977), ""));
    assertEquals("ws://" + PeerAddresses.THIS_MACHINE + ":8008/ws",
        PeerAddresses.forOthers(new HostPort("::", 8008), "/ws"));
    assertEquals("ws://192.168.1.5:8008/ws", PeerAddresses.forOthers(new HostPort("192.168.1.5", 8008), "/ws"));
    assertEquals("[fd00::1]:5977", PeerAddresses.forOthers(new HostPort("fd00::1", 5977), ""));
    assertNull(PeerAddresses.forOthers(new HostPort("127.0.0.1", 8008), "/ws"));
    assertNull(PeerAddresses.forOthers(new HostPort("::1", 5977), ""));
  }

  @Test
  void howTo_namesWhatOthersCanDial() {
    assertEquals("other machines can peer with --static-peer 10.0.0.2:5977",
        PeerAddresses.howTo("10.0.0.2:5977", null));
    assertEquals("other machines can peer with --static-peer 10.0.0.2:5977 or --static-peer ws://10.0.0.2:8008/ws",
        PeerAddresses.howTo("10.0.0.2:5977", "ws://10.0.0.2:8008/ws"));
    assertEquals(true, PeerAddresses.howTo(null, null).startsWith("reachable from this machine only"));
  }
}
