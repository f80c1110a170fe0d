package dev.larch.federation.query;

import dev.larch.core.federation.query.FederationQueries;
import dev.larch.federation.http.FederationEndpoints;
import io.vertx.ext.web.Router;

/**
 * {@code GET /_matrix/federation/v1/query/directory} and {@code /query/profile}.
 *
 * <p>Spec: server-server API v1.11, "Querying for information". Other query types fall through to the router's
 * 404 {@code M_UNRECOGNIZED}.
 */
public final class QueryRoutes {
  private final FederationQueries queries;

  public QueryRoutes(FederationQueries queries) {
    this.queries = queries;
  }

  public void mount(Router router, FederationEndpoints endpoints) {
    router.get("/_matrix/federation/v1/query/directory").handler(endpoints.signed(
        request -> queries.directory(request.query("room_alias").orElse(null))));
    router.get("/_matrix/federation/v1/query/profile").handler(endpoints.signed(
        request -> queries.profile(request.query("user_id").orElse(null), request.query("field").orElse(null))));
  }
}
