package dev.larch.client.presence;

import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import dev.larch.core.id.UserId;
import dev.larch.core.presence.PresenceService;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * Reading and setting presence.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#presence">client-server API v1.11,
 * "Presence"</a>.
 */
public final class PresenceRoutes {
  private final PresenceService presence;

  public PresenceRoutes(PresenceService presence) {
    this.presence = presence;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // GET /_matrix/client/v3/presence/{userId}/status
    ClientPaths.route(router, HttpMethod.GET, "/presence/:userId/status", endpoints.authed(this::get));
    // PUT /_matrix/client/v3/presence/{userId}/status
    ClientPaths.route(router, HttpMethod.PUT, "/presence/:userId/status", endpoints.authed(this::put));
  }

  private Object get(AuthedRequest req) {
    return presence.get(UserId.parse(req.path("userId")).toString());
  }

  private Object put(AuthedRequest req) {
    presence.put(req.userId(), req.path("userId"), req.json());
    return Map.of();
  }
}
