package dev.larch.server.config;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Checks a classic-mode server name against the grammar {@code hostname [ ":" port ]}.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/appendices/#server-name">appendices v1.11, "Server name"</a>.
 * Lives here, not in {@code core.id}, because it only guards the config; identifiers received on the wire are
 * parsed by {@code core}.
 */
final class ServerNameRule {
  private static final Pattern DNS_NAME = Pattern.compile("[A-Za-z0-9.-]{1,255}");
  private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
  private static final Pattern IPV6 = Pattern.compile("\\[[0-9A-Fa-f:.]{2,45}]");
  private static final Pattern P2P_NAME = Pattern.compile("[0-9a-fA-F]{64}");

  private ServerNameRule() {}

  /** What is wrong with {@code name}, or empty if it is a usable classic server name. */
  static Optional<String> check(String name) {
    if (name.isBlank()) {
      return Optional.of("must not be empty; leave it out for peer-to-peer mode");
    }
    String host = name;
    int colon = name.lastIndexOf(':');
    if (colon >= 0 && !name.endsWith("]")) {
      host = name.substring(0, colon);
      String port = name.substring(colon + 1);
      if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
        return Optional.of("\"" + name + "\" has an invalid port: must be a number from 1 to 65535");
      }
    }
    if (P2P_NAME.matcher(host).matches()) {
      // 64 hex digits route to the overlay; a DNS name that looks like one could never be reached.
      return Optional.of("\"" + name + "\" looks like a peer-to-peer name (64 hex digits); leave server_name out"
          + " for peer-to-peer mode, or use a DNS name for classic mode");
    }
    boolean valid = IPV6.matcher(host).matches()
        || IPV4.matcher(host).matches()
        || (DNS_NAME.matcher(host).matches() && !host.startsWith(".") && !host.endsWith(".")
            && !host.contains(".."));
    if (!valid) {
      return Optional.of("\"" + name + "\" is not a valid server name: expected a DNS name or IP address,"
          + " optionally with :PORT (e.g. example.org)");
    }
    return Optional.empty();
  }
}
