package dev.larch.client.discovery;

import dev.larch.http.JsonResponse;
import io.vertx.ext.web.Router;
import java.util.List;
import java.util.Map;

/**
 * The spec versions this server speaks.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#get_matrixclientversions">client-server API
 * v1.11, "GET /_matrix/client/versions"</a>.
 */
public final class VersionsRoutes {
  /**
   * Every version we claim, oldest first. The r0 releases stay because older clients look for them; each
   * {@code v1.x} is a promise that its endpoints behave as that spec version says.
   */
  static final List<String> VERSIONS =
      List.of(
          "r0.0.1", "r0.1.0", "r0.2.0", "r0.3.0", "r0.4.0", "r0.5.0", "r0.6.0", "r0.6.1",
          "v1.1", "v1.2", "v1.3", "v1.4", "v1.5", "v1.6", "v1.7", "v1.8", "v1.9", "v1.10", "v1.11");

  // The answer never changes, so it is encoded once.
  private final byte[] body =
      JsonResponse.encode(Map.of("versions", VERSIONS, "unstable_features", Map.of()));

  /** Adds the routes below to {@code router}. */
  public void mount(Router router) {
    // GET /_matrix/client/versions: no authentication; clients call it before anything else.
    router.get("/_matrix/client/versions").handler(ctx -> JsonResponse.end(ctx, 200, body));
  }
}
