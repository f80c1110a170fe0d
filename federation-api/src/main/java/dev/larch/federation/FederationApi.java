package dev.larch.federation;

import dev.larch.federation.http.FederationEndpoints;
import dev.larch.federation.key.KeyRoutes;
import dev.larch.federation.version.VersionRoutes;
import dev.larch.http.MatrixErrorHandler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The server-server API as one Vert.x router: every spec area's routes, then the one place that turns failures into
 * Matrix error responses.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/server-server-api/">server-server API v1.11</a>. The router is
 * transport-agnostic: the server mounts it behind HTTPS in classic mode and behind overlay sessions in P2P mode.
 * This is the one place routes are mounted: each spec area's {@code XxxRoutes} gets one line below.
 */
public final class FederationApi {
  /** The worker pool every federation router of this process shares (Vert.x shares it by name). */
  static final String WORKER_POOL = "larch-federation";

  private final FederationServices services;

  public FederationApi(FederationServices services) {
    this.services = services;
  }

  /** A new router serving the federation API, including 404/405 as {@code M_UNRECOGNIZED}. */
  public Router router(Vertx vertx) {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create().setBodyLimit(services.maxBodyBytes()));
    FederationEndpoints endpoints = new FederationEndpoints(
        vertx.createSharedWorkerExecutor(WORKER_POOL, services.workers()), services.authenticator(),
        services.originSeen());
    new VersionRoutes(services.serverVersion()).mount(router);
    new KeyRoutes(endpoints, services.keys()).mount(router);
    services.routes().forEach(routes -> routes.mount(router, endpoints));
    MatrixErrorHandler.install(router);
    return router;
  }
}
