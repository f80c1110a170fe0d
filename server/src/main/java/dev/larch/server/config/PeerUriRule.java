package dev.larch.server.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Checks a static peer address: {@code host:port} for TCP, or a {@code ws://} / {@code wss://} URL, the three forms
 * the Go node's {@code -connect} and Dendrite's {@code -peer} accept.
 *
 * <p>Checked here, before start, because the overlay only finds out when it dials, which it keeps retrying with
 * backoff: a typo would otherwise be a silent, endless redial.
 */
final class PeerUriRule {
  private PeerUriRule() {}

  /** What is wrong with {@code peer}, or empty if the overlay can dial it. */
  static Optional<String> check(String peer) {
    if (peer == null || peer.isBlank()) {
      return Optional.of("a static peer must not be empty; expected host:port, ws://host:port/ws or wss://…");
    }
    String lower = peer.toLowerCase(Locale.ROOT);
    if (lower.startsWith("ws://") || lower.startsWith("wss://")) {
      return checkUrl(peer);
    }
    if (lower.contains("://")) {
      return Optional.of("\"" + peer + "\" has an unsupported scheme: expected host:port (TCP), ws:// or wss://");
    }
    try {
      HostPort address = HostPort.parse(peer, "192.168.1.20:5977, or a ws:// or wss:// URL");
      if (address.port() == 0) {
        return Optional.of("\"" + peer + "\" has port 0, which cannot be dialled: must be 1 to 65535");
      }
      return Optional.empty();
    } catch (IllegalArgumentException e) {
      return Optional.of(e.getMessage());
    }
  }

  private static Optional<String> checkUrl(String peer) {
    URI uri;
    try {
      uri = new URI(peer);
    } catch (URISyntaxException e) {
      return Optional.of("\"" + peer + "\" is not a valid URL: " + e.getReason());
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return Optional.of("\"" + peer + "\" has no valid host and port, e.g. ws://192.168.1.20:8008/ws");
    }
    if (uri.getPort() != -1 && (uri.getPort() < 1 || uri.getPort() > 65535)) {
      return Optional.of("\"" + peer + "\" has an invalid port: must be a number from 1 to 65535");
    }
    return Optional.empty();
  }
}
