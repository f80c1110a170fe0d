package dev.larch.client.voip;

import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * The TURN server clients should use for calls: none is configured, which the spec lets a server say with an empty
 * object, so clients fall back to their own STUN/TURN settings instead of retrying an error.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#get_matrixclientv3voipturnserver">client-server
 * API v1.11, "Voice over IP", {@code GET /voip/turnServer}</a>.
 */
public final class VoipRoutes {
  /** Adds the route below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // GET /_matrix/client/v3/voip/turnServer
    ClientPaths.route(router, HttpMethod.GET, "/voip/turnServer", endpoints.authed(req -> Map.of()));
  }
}
