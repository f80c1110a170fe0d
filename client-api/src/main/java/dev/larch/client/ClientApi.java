package dev.larch.client;

import dev.larch.client.discovery.VersionsRoutes;
import dev.larch.client.http.ClientErrorHandler;
import dev.larch.client.http.Cors;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;

/**
 * The client-server API as one Vert.x router: CORS first, then every spec area's routes, then the one place that
 * turns failures into Matrix error responses.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/">client-server API v1.11</a>. The whole API
 * surface is the list of {@code mount} calls in {@link #router}, so it can be read in one place.
 */
public final class ClientApi {

  /** Creates the API; the domain services it serves will arrive here as constructor parameters. */
  public ClientApi() {}

  /** A new router serving the client API, including 404/405 as {@code M_UNRECOGNIZED}. */
  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    // Registered first so that every response, errors and unknown paths included, carries the CORS headers.
    router.route().handler(new Cors());
    new VersionsRoutes().mount(router);
    ClientErrorHandler.install(router);
    return router;
  }
}
