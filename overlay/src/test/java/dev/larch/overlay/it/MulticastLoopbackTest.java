package dev.larch.overlay.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Two Java nodes, each in its own JVM, find each other by multicast on {@code lo} alone (protocol doc 9): inside a
 * fresh network namespace whose only interface is {@code lo}, with its MULTICAST flag switched on there (Linux leaves
 * it off). Discovery is restricted to {@code lo} by configuration, and the namespace has no other interface, so no
 * datagram can leave the host. Neither node listens for static peers: the only way to meet is a beacon.
 */
class MulticastLoopbackTest {
  @Test
  void twoNodesDiscoverEachOtherOnLoopbackOnly() throws Exception {
    Path logs = Child.logDir("multicast-lo");
    String[] why = new String[1];
    try (Netns ns = Netns.create(why)) {
      if (ns == null) {
        Netns.unavailable("MulticastLoopbackTest", why[0]);
        return;
      }
      Netns.Result multicastOn = ns.exec(10, "ip", "link", "set", "lo", "multicast", "on");
      if (multicastOn.code() != 0) {
        Netns.unavailable("MulticastLoopbackTest", "the kernel refuses multicast on lo in a namespace: "
            + multicastOn.output().strip(), false);
        return;
      }
      String ifaces = ns.exec(10, "ip", "-o", "link", "show").output();
      assertEquals(1, ifaces.strip().lines().count(), "the namespace must hold lo only:\n" + ifaces);

      try (Child a = Child.start("probe-a", ns.wrap(OverlayProbe.command("--multicast", "lo")), logs);
          Child b = Child.start("probe-b", ns.wrap(OverlayProbe.command("--multicast", "lo")), logs)) {
        JsonObject readyA = a.awaitEvent(e -> "ready".equals(e.getString("event")), 20_000)
            .orElseThrow(() -> new AssertionError("A never started: " + a.describe()));
        JsonObject readyB = b.awaitEvent(e -> "ready".equals(e.getString("event")), 20_000)
            .orElseThrow(() -> new AssertionError("B never started: " + b.describe()));
        assertEquals(-1, readyA.getInteger("tcpPort"), "A has no ordinary listener: only multicast can join them");
        assertTrue(readyA.getInteger("multicastPort") > 0);

        String keyA = readyA.getString("key");
        String keyB = readyB.getString("key");
        JsonObject upAtA = a.awaitEvent(peerUp(keyB), 15_000)
            .orElseThrow(() -> new AssertionError("A never peered with B: " + a.describe() + "\n" + b.describe()));
        JsonObject upAtB = b.awaitEvent(peerUp(keyA), 15_000)
            .orElseThrow(() -> new AssertionError("B never peered with A: " + b.describe() + "\n" + a.describe()));
        assertEquals("MULTICAST", upAtA.getString("type"));
        assertEquals("MULTICAST", upAtB.getString("type"));
        assertEquals("", upAtA.getString("zone"), "IPv4 multicast peerings have an empty zone, as in Go");

        // The peering carries traffic, and nobody ever peered with itself (own beacons come back over loopback).
        // Datagrams are best effort and the first may beat the routes (seen on a loaded machine): resend until one
        // arrives.
        Optional<JsonObject> traffic = Optional.empty();
        for (int attempt = 0; attempt < 30 && traffic.isEmpty(); attempt++) {
          a.command("send " + keyB + " found you");
          traffic = b.awaitEvent(e -> "traffic".equals(e.getString("event")) && keyA.equals(e.getString("source")),
              500);
        }
        assertTrue(traffic.isPresent(), "no traffic A -> B: " + b.describe());
        for (Child c : List.of(a, b)) {
          String own = c == a ? keyA : keyB;
          assertTrue(c.events().stream().noneMatch(peerUp(own)), "a node dialled its own beacon");
        }
      }
    }
  }

  private static java.util.function.Predicate<JsonObject> peerUp(String key) {
    return e -> "peer".equals(e.getString("event")) && Boolean.TRUE.equals(e.getBoolean("up"))
        && key.equals(e.getString("key"));
  }
}
