package dev.larch.client.thirdparty;

import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * The third-party networks this server bridges to: none (there are no application services), said with an empty
 * object as the spec allows, so clients show no bridge directory instead of an error.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#get_matrixclientv3thirdpartyprotocols">
 * client-server API v1.11, "Third-party Networks", {@code GET /thirdparty/protocols}</a>.
 */
public final class ThirdPartyRoutes {
  /** Adds the route below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // GET /_matrix/client/v3/thirdparty/protocols
    ClientPaths.route(router, HttpMethod.GET, "/thirdparty/protocols", endpoints.authed(req -> Map.of()));
  }
}
