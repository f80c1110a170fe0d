package dev.larch.core.id;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A homeserver's server name: a DNS name, IPv4 literal or bracketed IPv6 literal, with an optional port.
 *
 * <p>Spec: appendices, "Server Name":
 *
 * <pre>
 * server_name = hostname [ ":" port ]
 * port        = 1*5DIGIT
 * hostname    = IPv4address / "[" IPv6address "]" / dns-name
 * IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT
 * IPv6address = 2*45IPv6char
 * dns-name    = 1*255dns-char
 * dns-char    = DIGIT / ALPHA / "-" / "."
 * </pre>
 *
 * <p>IPv6 literals must also be valid RFC 3513 addresses, and ports must lie in 1–65535. Server names are
 * case-sensitive, so {@link #value()} is kept exactly as given.
 */
public record ServerName(String value) {
  private static final int MAX_DNS_NAME = 255;
  private static final int MAX_IPV6_CHARS = 45;

  /** Validates {@code value}; throws {@code M_INVALID_PARAM} if it is not a server name. */
  public ServerName {
    Objects.requireNonNull(value, "value");
    if (!isValid(value)) {
      throw IdentifierGrammar.invalid("server name", value);
    }
  }

  /** The server name {@code value}; throws {@code M_INVALID_PARAM} if it is not one. */
  public static ServerName parse(String value) {
    if (value == null) {
      throw IdentifierGrammar.invalid("server name", null);
    }
    return new ServerName(value);
  }

  /** The server name {@code value}, or empty if it is not one. */
  public static Optional<ServerName> tryParse(String value) {
    return value != null && isValid(value) ? Optional.of(new ServerName(value)) : Optional.empty();
  }

  /** Whether {@code value} fits the server name grammar. */
  public static boolean isValid(String value) {
    if (value == null || value.isEmpty()) {
      return false;
    }
    int portSeparator;
    if (value.charAt(0) == '[') {
      int close = value.indexOf(']');
      if (close < 0 || !isIpv6Address(value.substring(1, close))) {
        return false;
      }
      portSeparator = close + 1;
      if (portSeparator < value.length() && value.charAt(portSeparator) != ':') {
        return false;
      }
    } else {
      int colon = value.indexOf(':');
      portSeparator = colon < 0 ? value.length() : colon;
      String host = value.substring(0, portSeparator);
      // A dotted quad with an octet above 255 still fits dns-name, as the grammar allows; only the IP-literal
      // check (isIpLiteral) distinguishes the two.
      if (!isDnsName(host)) {
        return false;
      }
    }
    return portSeparator >= value.length() || isPort(value.substring(portSeparator + 1));
  }

  /** The hostname without the port; an IPv6 literal keeps its brackets. */
  public String hostname() {
    return value.substring(0, hostnameEnd());
  }

  /** The explicit port, if any. */
  public OptionalInt port() {
    int end = hostnameEnd();
    return end == value.length() ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(value.substring(end + 1)));
  }

  /** Whether the hostname is an IPv4 or IPv6 address literal rather than a DNS name. */
  public boolean isIpLiteral() {
    String host = hostname();
    return host.startsWith("[") || isIpv4Address(host);
  }

  @Override
  public String toString() {
    return value;
  }

  private int hostnameEnd() {
    if (value.charAt(0) == '[') {
      return value.indexOf(']') + 1;
    }
    int colon = value.indexOf(':');
    return colon < 0 ? value.length() : colon;
  }

  /** Whether {@code host} is a dotted-quad IPv4 literal: four decimal numbers 0–255 of one to three digits. */
  static boolean isIpv4Address(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || !allDigits(part) || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether {@code address} (without brackets) is an IPv6 address in the text forms of RFC 3513 §2.2: eight groups
   * of one to four hex digits, at most one {@code ::} standing for one or more zero groups, and optionally an IPv4
   * dotted quad in place of the last two groups.
   */
  static boolean isIpv6Address(String address) {
    if (address.length() < 2 || address.length() > MAX_IPV6_CHARS) {
      return false;
    }
    int compression = address.indexOf("::");
    if (compression >= 0 && address.indexOf("::", compression + 1) >= 0) {
      return false;
    }
    int groups;
    if (compression < 0) {
      groups = countGroups(address, true);
      return groups == 8;
    }
    String head = address.substring(0, compression);
    String tail = address.substring(compression + 2);
    int headGroups = head.isEmpty() ? 0 : countGroups(head, false);
    int tailGroups = tail.isEmpty() ? 0 : countGroups(tail, true);
    return headGroups >= 0 && tailGroups >= 0 && headGroups + tailGroups <= 7;
  }

  // The number of 16-bit groups in a colon-separated run, or -1 if a group is malformed.
  private static int countGroups(String run, boolean mayEndWithIpv4) {
    String[] parts = run.split(":", -1);
    int groups = 0;
    for (int i = 0; i < parts.length; i++) {
      String part = parts[i];
      if (mayEndWithIpv4 && i == parts.length - 1 && part.indexOf('.') >= 0) {
        if (!isIpv4Address(part)) {
          return -1;
        }
        groups += 2;
      } else if (isHexGroup(part)) {
        groups++;
      } else {
        return -1;
      }
    }
    return groups;
  }

  private static boolean isHexGroup(String part) {
    if (part.isEmpty() || part.length() > 4) {
      return false;
    }
    for (int i = 0; i < part.length(); i++) {
      char c = part.charAt(i);
      boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
      if (!hex) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDnsName(String host) {
    if (host.isEmpty() || host.length() > MAX_DNS_NAME) {
      return false;
    }
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean isPort(String port) {
    if (port.isEmpty() || port.length() > 5 || !allDigits(port)) {
      return false;
    }
    int number = Integer.parseInt(port);
    return number >= 1 && number <= 65535;
  }

  private static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }
}
