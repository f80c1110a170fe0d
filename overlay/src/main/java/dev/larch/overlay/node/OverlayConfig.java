package dev.larch.overlay.node;

import java.util.List;

/**
 * How the overlay node runs: TCP listen address ({@code --overlay-listen}, default port 5977, 0 = any), static peers
 * ({@code --static-peer}: {@code host:port}, {@code ws://…}, {@code wss://…}), multicast discovery
 * ({@code --no-multicast}) and hop limiting (on, as Dendrite; protocol doc 8.2 item 11).
 *
 * <p>Protocol doc 2.4, 9 and 10. {@code listenPort} -1 disables the TCP listener.
 */
public record OverlayConfig(
    String listenHost, int listenPort, List<String> staticPeers, boolean multicast, boolean hopLimiting) {
  public static final int DEFAULT_PORT = 5977;

  public OverlayConfig {
    staticPeers = List.copyOf(staticPeers);
    if (listenPort < -1 || listenPort > 65535) {
      throw new IllegalArgumentException("overlay listen port out of range: " + listenPort);
    }
  }

  /** The defaults of {@code ./larch run}: listen on all interfaces at 5977, no static peers, multicast on. */
  public static OverlayConfig defaults() {
    return new OverlayConfig("0.0.0.0", DEFAULT_PORT, List.of(), true, true);
  }
}
