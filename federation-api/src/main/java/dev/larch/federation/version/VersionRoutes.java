package dev.larch.federation.version;

import dev.larch.http.JsonResponse;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * The name and version of this server's software.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/server-server-api/#get_matrixfederationv1version">server-server
 * API v1.11, "GET /_matrix/federation/v1/version"</a>.
 */
public final class VersionRoutes {
  /** The software name peers see. */
  public static final String SOFTWARE_NAME = "Larch";

  private final byte[] body;

  /** Routes answering with {@code version} as the software version. */
  public VersionRoutes(String version) {
    // The answer never changes, so it is encoded once.
    this.body = JsonResponse.encode(Map.of("server", Map.of("name", SOFTWARE_NAME, "version", version)));
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router) {
    // GET /_matrix/federation/v1/version: unauthenticated by spec, so no X-Matrix check.
    router.get("/_matrix/federation/v1/version").handler(ctx -> JsonResponse.end(ctx, 200, body));
  }
}
