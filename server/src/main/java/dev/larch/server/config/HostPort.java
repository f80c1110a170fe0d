package dev.larch.server.config;

import java.util.regex.Pattern;

/**
 * A listen address written {@code HOST:PORT}: an IPv4 address, a host name or a bracketed IPv6 address, then a port
 * from 0 to 65535 (0 asks the OS for a free port).
 */
public record HostPort(String host, int port) {
  private static final Pattern HOST_NAME = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9.-]{0,253}[A-Za-z0-9])?");
  private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

  /**
   * Parses {@code text}.
   *
   * @throws IllegalArgumentException with a message fit for the user when {@code text} is not {@code HOST:PORT}
   */
  public static HostPort parse(String text) {
    return parse(text, "127.0.0.1:8008");
  }

  /**
   * Parses {@code text}, quoting {@code example} in the message when it is not {@code HOST:PORT} at all.
   *
   * @throws IllegalArgumentException with a message fit for the user when {@code text} is not {@code HOST:PORT}
   */
  public static HostPort parse(String text, String example) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("must be HOST:PORT, e.g. " + example + ", but is empty");
    }
    int colon = text.lastIndexOf(':');
    if (colon <= 0 || colon == text.length() - 1) {
      throw new IllegalArgumentException("\"" + text + "\" is not HOST:PORT, e.g. " + example);
    }
    String host = text.substring(0, colon);
    String portText = text.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
      if (!IPV6.matcher(host).matches()) {
        throw new IllegalArgumentException("\"" + text + "\" has an invalid IPv6 address");
      }
    } else if (!HOST_NAME.matcher(host).matches()) {
      throw new IllegalArgumentException(
          "\"" + text + "\" has an invalid host (an IPv6 address must be in brackets, e.g. [::1]:8008)");
    }
    if (!portText.chars().allMatch(c -> c >= '0' && c <= '9') || portText.length() > 5) {
      throw new IllegalArgumentException("\"" + text + "\" has an invalid port: must be a number from 0 to 65535");
    }
    int port = Integer.parseInt(portText);
    if (port > 65535) {
      throw new IllegalArgumentException("\"" + text + "\" has an invalid port: must be a number from 0 to 65535");
    }
    return new HostPort(host, port);
  }

  /** Back in {@code HOST:PORT} form, brackets restored around IPv6 addresses. */
  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
