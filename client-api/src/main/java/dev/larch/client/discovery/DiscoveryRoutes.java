package dev.larch.client.discovery;

import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import dev.larch.core.error.MatrixException;
import dev.larch.core.room.RoomVersion;
import dev.larch.http.JsonResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What a client learns about the server before and right after logging in: the well-known base URL, the
 * capabilities, and the (absent) OAuth 2.0 metadata.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#server-discovery">client-server API v1.11,
 * "Server Discovery"</a> and <a href="https://spec.matrix.org/v1.11/client-server-api/#capabilities-negotiation">
 * "Capabilities negotiation"</a>; {@code auth_metadata} is from v1.15 ("OAuth 2.0 API"): a server without it
 * answers 404 {@code M_UNRECOGNIZED}, which tells clients to use the legacy login API.
 */
public final class DiscoveryRoutes {
  private final String publicBaseUrl;
  private final Map<String, Object> capabilities = Map.of("capabilities", capabilities());

  /** @param publicBaseUrl the configured client base URL, or null to derive it from each request */
  public DiscoveryRoutes(String publicBaseUrl) {
    this.publicBaseUrl = publicBaseUrl;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // GET /.well-known/matrix/client
    router.get("/.well-known/matrix/client").handler(this::wellKnown);
    // GET /_matrix/client/v3/capabilities
    ClientPaths.route(router, HttpMethod.GET, "/capabilities", endpoints.authed(req -> capabilities));
    // GET /_matrix/client/v1/auth_metadata: no OAuth 2.0 API here.
    router.get("/_matrix/client/v1/auth_metadata")
        .handler(ctx -> ctx.fail(MatrixException.unrecognized("This server does not support OAuth 2.0 login")));
  }

  private void wellKnown(RoutingContext ctx) {
    String baseUrl = publicBaseUrl != null ? publicBaseUrl : requestBaseUrl(ctx);
    JsonResponse.end(ctx, 200, Map.of("m.homeserver", Map.of("base_url", baseUrl)));
  }

  /** The base URL this request reached us at: its scheme and {@code Host}. */
  static String requestBaseUrl(RoutingContext ctx) {
    String host = ctx.request().authority() != null ? ctx.request().authority().toString() : "localhost";
    return ctx.request().scheme() + "://" + host;
  }

  private static Map<String, Object> capabilities() {
    Map<String, String> available = new LinkedHashMap<>();
    for (RoomVersion version : RoomVersion.all()) {
      available.put(version.identifier(), "stable");
    }
    Map<String, Object> capabilities = new LinkedHashMap<>();
    capabilities.put("m.change_password", Map.of("enabled", true));
    capabilities.put("m.room_versions",
        Map.of("default", RoomVersion.DEFAULT.identifier(), "available", available));
    capabilities.put("m.set_displayname", Map.of("enabled", true));
    capabilities.put("m.set_avatar_url", Map.of("enabled", true));
    capabilities.put("m.3pid_changes", Map.of("enabled", false));
    capabilities.put("m.get_login_token", Map.of("enabled", false));
    return capabilities;
  }
}
