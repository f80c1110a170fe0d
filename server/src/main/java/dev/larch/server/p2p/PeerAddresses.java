package dev.larch.server.p2p;

import dev.larch.server.config.HostPort;

/**
 * Turns listen addresses into the addresses other machines can dial, for the startup log line.
 *
 * <p>A wildcard listener ({@code 0.0.0.0}, {@code ::}) is reachable at any of this machine's addresses, which we
 * cannot pick for the user (several interfaces, NAT); a loopback listener is reachable from this machine only.
 */
final class PeerAddresses {
  static final String THIS_MACHINE = "<this-machine-IP>";

  private PeerAddresses() {}

  /** What to give another node as {@code --static-peer} for a listener at {@code address}, or null if none. */
  static String forOthers(HostPort address, String path) {
    if (isLoopback(address.host())) {
      return null;
    }
    String hostPort = isWildcard(address.host()) ? THIS_MACHINE + ":" + address.port() : address.toString();
    return path.isEmpty() ? hostPort : "ws://" + hostPort + path;
  }

  /** The advice part of the log line, from {@link #forOthers} of the TCP and WebSocket listeners. */
  static String howTo(String tcpPeer, String wsPeer) {
    if (tcpPeer == null && wsPeer == null) {
      return "reachable from this machine only (set --overlay-listen 0.0.0.0:5977 or --client-listen 0.0.0.0:8008"
          + " to let other machines peer)";
    }
    String first = tcpPeer != null ? tcpPeer : wsPeer;
    String also = tcpPeer != null && wsPeer != null ? " or --static-peer " + wsPeer : "";
    return "other machines can peer with --static-peer " + first + also;
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
  }

  private static boolean isLoopback(String host) {
    return host.startsWith("127.") || host.equals("::1") || host.equalsIgnoreCase("localhost");
  }
}
