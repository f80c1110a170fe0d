package dev.larch.federation.media;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Reads a {@code multipart/mixed} body (RFC 2046) as the federation media API answers: parts separated by
 * {@code --boundary} lines, each with its headers, a blank line and its bytes. Only what that answer needs: no
 * nesting, no transfer encodings.
 */
final class Multipart {
  /** One part: header names lower-cased. */
  record Part(Map<String, String> headers, byte[] body) {}

  private Multipart() {}

  /** The {@code boundary} parameter of a {@code multipart/*} content type, if it has one. */
  static Optional<String> boundary(String contentType) {
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
      return Optional.empty();
    }
    for (String param : contentType.split(";")) {
      String trimmed = param.strip();
      if (trimmed.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
        String value = trimmed.substring("boundary=".length());
        if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
          value = value.substring(1, value.length() - 1);
        }
        return value.isEmpty() ? Optional.empty() : Optional.of(value);
      }
    }
    return Optional.empty();
  }

  /** The parts of {@code body}; empty if it has no well-formed part. */
  static List<Part> parse(byte[] body, String boundary) {
    byte[] delimiter = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
    List<Part> parts = new ArrayList<>();
    int at = indexOf(body, delimiter, 0);
    while (at >= 0) {
      int lineEnd = at + delimiter.length;
      if (lineEnd + 1 < body.length && body[lineEnd] == '-' && body[lineEnd + 1] == '-') {
        break; // the close delimiter
      }
      int start = indexOf(body, new byte[] {'\r', '\n'}, lineEnd);
      if (start < 0) {
        break;
      }
      start += 2;
      int next = indexOf(body, ("\r\n--" + boundary).getBytes(StandardCharsets.US_ASCII), start);
      if (next < 0) {
        break;
      }
      int headersEnd = indexOf(body, new byte[] {'\r', '\n', '\r', '\n'}, start);
      Map<String, String> headers = new LinkedHashMap<>();
      int bodyStart;
      if (headersEnd >= 0 && headersEnd <= next) {
        String head = new String(body, start, headersEnd - start, StandardCharsets.UTF_8);
        for (String line : head.split("\r\n")) {
          int colon = line.indexOf(':');
          if (colon > 0) {
            headers.put(line.substring(0, colon).strip().toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
          }
        }
        bodyStart = headersEnd + 4;
      } else if (start + 1 < body.length && body[start] == '\r' && body[start + 1] == '\n') {
        bodyStart = start + 2; // no headers at all
      } else {
        bodyStart = start;
      }
      byte[] content = new byte[Math.max(0, next - bodyStart)];
      System.arraycopy(body, bodyStart, content, 0, content.length);
      parts.add(new Part(headers, content));
      at = next + 2;
    }
    return parts;
  }

  private static int indexOf(byte[] haystack, byte[] needle, int from) {
    outer:
    for (int i = Math.max(0, from); i <= haystack.length - needle.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }
}
