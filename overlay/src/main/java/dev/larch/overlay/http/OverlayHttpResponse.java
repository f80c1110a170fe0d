package dev.larch.overlay.http;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * One HTTP/1.1 response over a session stream; the server adds {@code Content-Length} (and {@code Connection}).
 *
 * <p>Protocol doc 6.4.
 */
public record OverlayHttpResponse(int status, MultiMap headers, Buffer body) {

  /** A response with {@code Content-Type: contentType} and this body. */
  public static OverlayHttpResponse of(int status, String contentType, Buffer body) {
    return new OverlayHttpResponse(status, MultiMap.caseInsensitiveMultiMap().add("Content-Type", contentType), body);
  }
}
