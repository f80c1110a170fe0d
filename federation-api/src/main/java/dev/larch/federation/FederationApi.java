package dev.larch.federation;

import dev.larch.federation.version.VersionRoutes;
import dev.larch.http.MatrixErrorHandler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * The server-server API as one Vert.x router: every spec area's routes, then the one place that turns failures into
 * Matrix error responses.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/server-server-api/">server-server API v1.11</a>. The router is
 * transport-agnostic: the server mounts it behind HTTPS in classic mode and behind overlay sessions in P2P mode.
 */
public final class FederationApi {
  private final String serverVersion;

  /** Creates the API for a server reporting {@code serverVersion} (e.g. {@code 0.1.0}) to its peers. */
  public FederationApi(String serverVersion) {
    this.serverVersion = serverVersion;
  }

  /** A new router serving the federation API, including 404/405 as {@code M_UNRECOGNIZED}. */
  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    new VersionRoutes(serverVersion).mount(router);
    MatrixErrorHandler.install(router);
    return router;
  }
}
