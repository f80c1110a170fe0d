package dev.larch.core.federation.auth;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code Authorization: X-Matrix ...} header: who signed a federation request, for whom, with which key.
 *
 * <p>Spec: server-server API v1.11, "Request Authentication". Parameters are {@code name=value} pairs separated by
 * commas, values quoted (with backslash escapes) or bare tokens, as RFC 9110's auth-param; the scheme name is
 * case-insensitive. {@code destination} is optional for old senders (Synapse before 1.7 sent none).
 *
 * @param destination the server the request was signed for, or null when the sender left it out
 */
public record XMatrix(String origin, String destination, String keyId, String signature) {
  private static final String SCHEME = "X-Matrix";

  /** The header value, every parameter quoted. */
  public String format() {
    StringBuilder out = new StringBuilder(SCHEME).append(' ');
    out.append("origin=").append(quote(origin));
    if (destination != null) {
      out.append(",destination=").append(quote(destination));
    }
    out.append(",key=").append(quote(keyId));
    out.append(",sig=").append(quote(signature));
    return out.toString();
  }

  /**
   * Parses a header value; empty if it is not the X-Matrix scheme, is malformed, or lacks {@code origin},
   * {@code key} or {@code sig}. Never throws.
   */
  public static Optional<XMatrix> parse(String header) {
    if (header == null) {
      return Optional.empty();
    }
    String value = header.strip();
    if (value.length() <= SCHEME.length()
        || !value.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
        || !Character.isWhitespace(value.charAt(SCHEME.length()))) {
      return Optional.empty();
    }
    Map<String, String> params = new HashMap<>();
    int i = SCHEME.length();
    int n = value.length();
    while (i < n) {
      while (i < n && (Character.isWhitespace(value.charAt(i)) || value.charAt(i) == ',')) {
        i++;
      }
      if (i >= n) {
        break;
      }
      int eq = value.indexOf('=', i);
      if (eq < 0) {
        return Optional.empty();
      }
      String name = value.substring(i, eq).strip().toLowerCase(Locale.ROOT);
      i = eq + 1;
      while (i < n && value.charAt(i) == ' ') {
        i++;
      }
      StringBuilder param = new StringBuilder();
      if (i < n && value.charAt(i) == '"') {
        i++;
        boolean closed = false;
        while (i < n) {
          char c = value.charAt(i++);
          if (c == '\\' && i < n) {
            param.append(value.charAt(i++));
          } else if (c == '"') {
            closed = true;
            break;
          } else {
            param.append(c);
          }
        }
        if (!closed) {
          return Optional.empty();
        }
      } else {
        while (i < n && value.charAt(i) != ',') {
          param.append(value.charAt(i++));
        }
      }
      if (name.isEmpty() || params.putIfAbsent(name, param.toString().strip()) != null) {
        return Optional.empty(); // a repeated parameter is ambiguous: refuse rather than guess
      }
    }
    String origin = params.get("origin");
    String key = params.get("key");
    String sig = params.get("sig");
    if (origin == null || origin.isEmpty() || key == null || key.isEmpty() || sig == null || sig.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new XMatrix(origin, params.get("destination"), key, sig));
  }

  private static String quote(String value) {
    return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"") + '"';
  }
}
