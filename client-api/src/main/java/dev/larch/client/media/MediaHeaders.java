package dev.larch.client.media;

import dev.larch.core.media.MediaContent;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The headers media is served with, as Synapse sets them: {@code Content-Disposition} ({@code inline} only for the
 * spec's inline-safe types, else {@code attachment}; the file name as an RFC 6266 token or {@code filename*}), a
 * sandboxing {@code Content-Security-Policy}, {@code Cross-Origin-Resource-Policy: cross-origin}, a day of caching
 * (content under an ID never changes) and a request to search engines not to index it.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#content-repository">client-server API v1.11,
 * "Content repository"</a> (CSP and CORP) and "Serving inline content".
 */
final class MediaHeaders {
  /** The spec's list of types that may be served {@code inline}. */
  static final Set<String> INLINE_TYPES = Set.of(
      "text/css", "text/plain", "text/csv", "application/json", "application/ld+json", "image/jpeg", "image/gif",
      "image/png", "image/apng", "image/webp", "image/avif", "video/mp4", "video/webm", "video/ogg",
      "video/quicktime", "audio/mp4", "audio/webm", "audio/aac", "audio/mpeg", "audio/ogg", "audio/wave",
      "audio/wav", "audio/x-wav", "audio/x-pn-wav", "audio/flac", "audio/x-flac");
  /** Types given {@code charset=UTF-8} when they come without parameters (Synapse's list). */
  private static final Set<String> TEXT_TYPES = Set.of(
      "text/css", "text/csv", "text/html", "text/calendar", "text/plain", "text/javascript", "application/json",
      "application/ld+json", "application/rtf", "image/svg+xml", "text/xml");
  static final String CONTENT_SECURITY_POLICY = "sandbox; default-src 'none'; script-src 'none';"
      + " plugin-types application/pdf; style-src 'unsafe-inline'; media-src 'self'; object-src 'self';";
  /** RFC 2616 separators: a file name containing one (or a space, control or non-ASCII) needs {@code filename*}. */
  private static final String SEPARATORS = "()<>@,;:\\\"/[]?={}";

  private MediaHeaders() {}

  /** The {@code Content-Type} to send for a stored type. */
  static String contentType(String stored) {
    return TEXT_TYPES.contains(stored.toLowerCase(Locale.ROOT)) ? stored + "; charset=UTF-8" : stored;
  }

  /** All headers of a download or thumbnail response except {@code Content-Type} and {@code Content-Length}. */
  static Map<String, String> forContent(MediaContent content, boolean forceInline) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Disposition", contentDisposition(content.contentType(), content.fileName(), forceInline));
    headers.put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    headers.put("X-Content-Security-Policy", "sandbox;");
    headers.put("Cross-Origin-Resource-Policy", "cross-origin");
    headers.put("Referrer-Policy", "no-referrer");
    headers.put("Cache-Control", "public,max-age=86400,s-maxage=86400");
    headers.put("X-Robots-Tag", "noindex, nofollow, noarchive, noimageindex");
    return headers;
  }

  /** {@code inline} or {@code attachment} by type, plus the file name if there is one (RFC 6266). */
  static String contentDisposition(String contentType, String fileName, boolean forceInline) {
    String base = contentType.toLowerCase(Locale.ROOT).split(";", 2)[0].strip();
    String disposition = forceInline || INLINE_TYPES.contains(base) ? "inline" : "attachment";
    if (fileName == null || fileName.isEmpty()) {
      return disposition;
    }
    return isToken(fileName)
        ? disposition + "; filename=" + fileName
        : disposition + "; filename*=utf-8''" + percentEncode(fileName);
  }

  private static boolean isToken(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c <= 32 || c >= 127 || SEPARATORS.indexOf(c) >= 0) {
        return false;
      }
    }
    return true;
  }

  /** RFC 5987 {@code value-chars}: attr-chars as they are, every other UTF-8 byte as {@code %XX}. */
  static String percentEncode(String value) {
    StringBuilder out = new StringBuilder();
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean attrChar = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$&+-.^_`|~".indexOf(c) >= 0;
      if (attrChar) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }
}
