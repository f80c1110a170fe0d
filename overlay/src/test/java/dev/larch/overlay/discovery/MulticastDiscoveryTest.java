package dev.larch.overlay.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.overlay.Vectors;
import dev.larch.overlay.identity.PublicKey;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Go's beacon handling (protocol doc 9), driven without sockets: who is dialled, who is ignored, and when. */
class MulticastDiscoveryTest {
  private static final PublicKey SELF = Vectors.key("A").publicKey();
  private static final PublicKey OTHER = Vectors.key("B").publicKey();

  /** Records dials; completes them only when told to. */
  private static final class FakeHost implements MulticastDiscovery.Host {
    final List<String> dials = new ArrayList<>();
    final List<Runnable> pending = new ArrayList<>();
    final Set<String> connected = new HashSet<>();

    @Override
    public PublicKey self() {
      return SELF;
    }

    @Override
    public int advertisedPort() {
      return 40000;
    }

    @Override
    public boolean isConnected(PublicKey key, String zone) {
      return connected.contains(key.hex() + "/" + zone);
    }

    @Override
    public void dial(InetSocketAddress remote, InetAddress local, String zone, Runnable done) {
      dials.add(remote.getAddress().getHostAddress() + ":" + remote.getPort() + "/" + zone);
      pending.add(done);
    }
  }

  private final FakeHost host = new FakeHost();
  private final MulticastDiscovery discovery = new MulticastDiscovery(host, List.of(), Runnable::run);
  private final MulticastInterface eth = MulticastInterface.forTest("eth9", discovery);
  private final InetSocketAddress sender = new InetSocketAddress("192.168.7.20", 60606);

  {
    discovery.register(eth);
  }

  private void hear(PublicKey key, int port) {
    byte[] beacon = new MulticastBeacon(key, port).encode();
    discovery.onDatagram(eth, beacon, beacon.length, sender, "");
  }

  @Test
  void beaconFromAnotherKey_dialsTheAdvertisedPortAtTheSendersAddress() {
    hear(OTHER, 41234);
    assertEquals(List.of("192.168.7.20:41234/"), host.dials);
  }

  @Test
  void ourOwnBeacon_comingBackOverMulticastLoopback_isIgnored() {
    hear(SELF, 40000);
    assertTrue(host.dials.isEmpty());
  }

  @Test
  void noSecondDialWhileOneIsInFlight_orOnceConnectedInThatZone() {
    hear(OTHER, 41234);
    hear(OTHER, 41234); // the next beacon, 2 s later, while the first dial is still connecting
    assertEquals(1, host.dials.size());
    assertTrue(discovery.isDialling(new InetSocketAddress(sender.getAddress(), 41234)));

    host.pending.get(0).run(); // the dial ended; the peering is up
    host.connected.add(OTHER.hex() + "/");
    hear(OTHER, 41234);
    assertEquals(1, host.dials.size(), "already connected in this zone");

    host.connected.clear(); // the peering dropped: the next beacon dials again
    hear(OTHER, 41234);
    assertEquals(2, host.dials.size());
  }

  @Test
  void aConnectionInAnotherZone_doesNotStopTheDial() {
    host.connected.add(OTHER.hex() + "/static"); // Go's IsConnected is per zone: a static peering does not count
    hear(OTHER, 41234);
    assertEquals(1, host.dials.size());
  }

  @Test
  void shortDatagram_cancelsDiscoveryOnThatInterface_untilTheNextRescan() {
    byte[] shortBeacon = new byte[33];
    discovery.onDatagram(eth, shortBeacon, shortBeacon.length, sender, "");
    assertTrue(eth.cancelled());
    assertFalse(discovery.activeInterfaces().contains("eth9"));
    hear(OTHER, 41234);
    assertTrue(host.dials.isEmpty(), "a cancelled interface hears nothing");
  }

  @Test
  void loopback_isUsedOnlyWhenNamed_andItsAddressOnlyThen() throws Exception {
    NetworkInterface lo = NetworkInterface.getByName("lo");
    if (lo != null) {
      assertFalse(discovery.suitable(lo), "loopback never joins unless configured");
    }
    InetAddress loopback = InetAddress.getByName("127.0.0.1");
    assertFalse(MulticastInterface.isGoGlobalUnicast(loopback, false));
    assertTrue(MulticastInterface.isGoGlobalUnicast(loopback, true));
    assertTrue(MulticastInterface.isGoGlobalUnicast(InetAddress.getByName("10.1.2.3"), false), "RFC 1918 counts");
    assertFalse(MulticastInterface.isGoGlobalUnicast(InetAddress.getByName("169.254.1.1"), false));
    assertFalse(MulticastInterface.isGoGlobalUnicast(InetAddress.getByName("255.255.255.255"), false));
  }
}
