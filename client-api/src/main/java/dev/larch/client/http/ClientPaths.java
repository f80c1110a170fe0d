package dev.larch.client.http;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * Registers a client API route under {@code /_matrix/client/v3} and under the old {@code /_matrix/client/r0} prefix
 * that pre-v1.1 clients still use.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#api-standards">client-server API v1.11, "API
 * standards"</a> (endpoint versioning); r0.6.1 is still listed in {@code /versions}.
 */
public final class ClientPaths {
  /** The current prefix of most client endpoints. */
  public static final String V3 = "/_matrix/client/v3";
  /** The r0 prefix, an alias of v3 for old clients. */
  public static final String R0 = "/_matrix/client/r0";

  private ClientPaths() {}

  /**
   * Routes {@code method} on {@code V3 + v3Path} and {@code R0 + v3Path} to {@code handler}.
   *
   * @param v3Path the path after the prefix, with Vert.x parameters, e.g. {@code /rooms/:roomId/send/:eventType/:txnId}
   */
  public static void route(Router router, HttpMethod method, String v3Path, Handler<RoutingContext> handler) {
    if (!v3Path.startsWith("/")) {
      throw new IllegalArgumentException("path must start with /: " + v3Path);
    }
    router.route(method, V3 + v3Path).handler(handler);
    router.route(method, R0 + v3Path).handler(handler);
  }
}
