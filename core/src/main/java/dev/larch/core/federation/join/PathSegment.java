package dev.larch.core.federation.join;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/** Percent-encoding of IDs put into federation paths and query strings ({@code !}, {@code :}, {@code $}, ...). */
final class PathSegment {
  private PathSegment() {}

  /** {@code value} percent-encoded as one path segment or query value (space as {@code %20}, never {@code +}). */
  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
