package dev.larch.overlay.node;

import java.util.List;

/**
 * How the overlay node runs: TCP listen address ({@code --overlay-listen}, default port 5977, 0 = any), static peers
 * ({@code --static-peer}: {@code host:port}, {@code ws://…}, {@code wss://…}), multicast discovery
 * ({@code --no-multicast} turns it off) and hop limiting (on, as Dendrite; protocol doc 8.2 item 11).
 *
 * <p>Protocol doc 2.4, 9 and 10. {@code listenPort} -1 disables the TCP listener. {@code multicastInterfaces} empty
 * means every suitable interface as Go chooses them (up, multicast-capable, not point-to-point, not loopback); a
 * non-empty list restricts discovery to the named interfaces and then also admits a loopback interface and its
 * 127.x address, which is how tests keep discovery on {@code lo} inside a network namespace.
 */
public record OverlayConfig(
    String listenHost,
    int listenPort,
    List<String> staticPeers,
    boolean multicast,
    boolean hopLimiting,
    List<String> multicastInterfaces) {
  public static final int DEFAULT_PORT = 5977;

  public OverlayConfig {
    staticPeers = List.copyOf(staticPeers);
    multicastInterfaces = List.copyOf(multicastInterfaces);
    if (listenPort < -1 || listenPort > 65535) {
      throw new IllegalArgumentException("overlay listen port out of range: " + listenPort);
    }
  }

  /** Discovery on every suitable interface (the shape {@code ./larch run} uses). */
  public OverlayConfig(
      String listenHost, int listenPort, List<String> staticPeers, boolean multicast, boolean hopLimiting) {
    this(listenHost, listenPort, staticPeers, multicast, hopLimiting, List.of());
  }

  /** The defaults of {@code ./larch run}: listen on all interfaces at 5977, no static peers, multicast on. */
  public static OverlayConfig defaults() {
    return new OverlayConfig("0.0.0.0", DEFAULT_PORT, List.of(), true, true);
  }

  /** A copy with multicast discovery restricted to the named interfaces (loopback allowed when named). */
  public OverlayConfig withMulticastOn(List<String> interfaces) {
    return new OverlayConfig(listenHost, listenPort, staticPeers, true, hopLimiting, interfaces);
  }
}
