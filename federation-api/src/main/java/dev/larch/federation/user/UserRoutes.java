package dev.larch.federation.user;

import dev.larch.core.federation.query.UserKeyQueries;
import dev.larch.federation.http.FederationEndpoints;
import io.vertx.ext.web.Router;

/**
 * Device lists and end-to-end encryption keys of this server's users, for other servers:
 * {@code GET /user/devices/{userId}}, {@code POST /user/keys/query}, {@code POST /user/keys/claim}.
 *
 * <p>Spec: server-server API v1.11, "Device Management", "End-to-End Encryption".
 */
public final class UserRoutes {
  private final UserKeyQueries keys;

  public UserRoutes(UserKeyQueries keys) {
    this.keys = keys;
  }

  public void mount(Router router, FederationEndpoints endpoints) {
    router.get("/_matrix/federation/v1/user/devices/:userId").handler(endpoints.signed(
        request -> keys.devices(request.path("userId"))));
    router.post("/_matrix/federation/v1/user/keys/query").handler(endpoints.signed(
        request -> keys.query(request.json())));
    router.post("/_matrix/federation/v1/user/keys/claim").handler(endpoints.signed(
        request -> keys.claim(request.json())));
  }
}
