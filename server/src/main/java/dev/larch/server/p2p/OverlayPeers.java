package dev.larch.server.p2p;

import dev.larch.overlay.node.OverlayNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which P2P servers are around: the directly connected peers (for the room directory's one-hop fan-out, as
 * Dendrite's {@code rooms.go} does) and a "seen" signal each time a server shows up, by a new peering or by a wakeup
 * broadcast, so the send queues retry towards it at once instead of waiting out their backoff.
 */
public final class OverlayPeers {
  private static final Logger log = LoggerFactory.getLogger(OverlayPeers.class);

  // Server name to number of live peerings (a node may be peered over TCP and WebSocket at once).
  private final Map<String, Integer> direct = new ConcurrentHashMap<>();
  private final List<Consumer<String>> seen = new CopyOnWriteArrayList<>();

  /** Listens to {@code node}'s peering and wakeup events. */
  void attach(OverlayNode node) {
    node.peerHandler(this::onPeerEvent);
    node.wakeupHandler(source -> fireSeen(source.hex()));
  }

  void onPeerEvent(OverlayNode.PeerEvent event) {
    String name = event.key().hex();
    if (event.up()) {
      direct.merge(name, 1, Integer::sum);
      fireSeen(name);
    } else {
      direct.computeIfPresent(name, (k, count) -> count > 1 ? count - 1 : null);
    }
  }

  /** The server names of the directly connected peers, a snapshot. */
  public Set<String> direct() {
    return Set.copyOf(direct.keySet());
  }

  /** Calls {@code listener} with a server name whenever that server is seen on the overlay; must return quickly. */
  public void onSeen(Consumer<String> listener) {
    seen.add(listener);
  }

  private void fireSeen(String serverName) {
    for (Consumer<String> listener : seen) {
      try {
        listener.accept(serverName);
      } catch (RuntimeException e) {
        log.error("peer-seen listener failed server={}", serverName, e);
      }
    }
  }
}
