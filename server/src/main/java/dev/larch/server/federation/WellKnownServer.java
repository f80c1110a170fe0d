package dev.larch.server.federation;

import dev.larch.http.JsonResponse;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.Optional;

/**
 * {@code GET /.well-known/matrix/server} on the client port, when {@code federation.well_known_server} is set: it
 * tells other servers where this server's federation API is, for a server name whose hostname serves the client
 * API on 443 (spec: server-server API v1.11, "Resolving server names", and the well-known schema).
 */
public final class WellKnownServer {
  /** The path served. */
  public static final String PATH = "/.well-known/matrix/server";

  private final byte[] body;

  private WellKnownServer(byte[] body) {
    this.body = body;
  }

  /** The responder for {@code server} (the {@code m.server} value), or empty when none is configured. */
  public static Optional<WellKnownServer> of(Optional<String> server) {
    return server.map(s -> new WellKnownServer(JsonResponse.encode(Map.of("m.server", s))));
  }

  /** Answers {@code request} if it is for the well-known path, and says whether it did. */
  public boolean handle(HttpServerRequest request) {
    if (!PATH.equals(request.path())) {
      return false;
    }
    if (!"GET".equals(request.method().name()) && !"HEAD".equals(request.method().name())) {
      request.response().setStatusCode(405).putHeader("Allow", "GET").end();
      return true;
    }
    request.response()
        .putHeader("Content-Type", "application/json")
        // Servers cache it for a day when they are not told otherwise; say so explicitly.
        .putHeader("Cache-Control", "max-age=86400")
        .putHeader("Access-Control-Allow-Origin", "*")
        .end(Buffer.buffer(body));
    return true;
  }
}
