package dev.larch.overlay.http;

import dev.larch.overlay.identity.PublicKey;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;

/**
 * One HTTP/1.1 request over a session stream: {@code peer} is the remote node (the destination for the client, the
 * TLS-proven origin for the server), {@code path} the request target ({@code /_matrix/...?query}).
 *
 * <p>Protocol doc 6.4. The client adds {@code Host: <64-hex peer>} and {@code Content-Length}; headers are
 * case-insensitive.
 */
public record OverlayHttpRequest(PublicKey peer, String method, String path, MultiMap headers, Buffer body) {

  /** A request with no headers of its own and an empty body. */
  public static OverlayHttpRequest of(PublicKey peer, String method, String path) {
    return new OverlayHttpRequest(peer, method, path, MultiMap.caseInsensitiveMultiMap(), Buffer.buffer());
  }
}
