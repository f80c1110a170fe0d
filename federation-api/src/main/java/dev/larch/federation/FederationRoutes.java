package dev.larch.federation;

import dev.larch.federation.http.FederationEndpoints;
import io.vertx.ext.web.Router;

/** One spec area's federation routes: mounts them on the router, each through {@link FederationEndpoints}. */
@FunctionalInterface
public interface FederationRoutes {
  void mount(Router router, FederationEndpoints endpoints);
}
