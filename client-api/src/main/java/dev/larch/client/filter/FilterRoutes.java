package dev.larch.client.filter;

import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import dev.larch.core.filter.FilterService;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * Uploading and reading sync filters.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#filtering">client-server API v1.11,
 * "Filtering"</a>.
 */
public final class FilterRoutes {
  private final FilterService filters;

  public FilterRoutes(FilterService filters) {
    this.filters = filters;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // POST /_matrix/client/v3/user/{userId}/filter
    ClientPaths.route(router, HttpMethod.POST, "/user/:userId/filter", endpoints.authed(this::create));
    // GET /_matrix/client/v3/user/{userId}/filter/{filterId}
    ClientPaths.route(router, HttpMethod.GET, "/user/:userId/filter/:filterId", endpoints.authed(this::get));
  }

  private Object create(AuthedRequest req) {
    return Map.of("filter_id", filters.create(req.userId(), req.path("userId"), req.json()));
  }

  private Object get(AuthedRequest req) {
    return filters.get(req.userId(), req.path("userId"), req.path("filterId"));
  }
}
