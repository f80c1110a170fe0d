package dev.larch.client.accountdata;

import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import dev.larch.core.accountdata.AccountDataService;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * Account data, global and per room, and room tags.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#client-config">client-server API v1.11,
 * "Client Config"</a> and <a href="https://spec.matrix.org/v1.11/client-server-api/#room-tagging">"Room
 * Tagging"</a>.
 */
public final class AccountDataRoutes {
  private final AccountDataService accountData;

  public AccountDataRoutes(AccountDataService accountData) {
    this.accountData = accountData;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // GET /_matrix/client/v3/user/{userId}/account_data/{type}
    ClientPaths.route(router, HttpMethod.GET, "/user/:userId/account_data/:type", endpoints.authed(this::get));
    // PUT /_matrix/client/v3/user/{userId}/account_data/{type}
    ClientPaths.route(router, HttpMethod.PUT, "/user/:userId/account_data/:type", endpoints.authed(this::put));
    // GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}
    ClientPaths.route(router, HttpMethod.GET, "/user/:userId/rooms/:roomId/account_data/:type",
        endpoints.authed(this::getRoom));
    // PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}
    ClientPaths.route(router, HttpMethod.PUT, "/user/:userId/rooms/:roomId/account_data/:type",
        endpoints.authed(this::putRoom));
    // GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags
    ClientPaths.route(router, HttpMethod.GET, "/user/:userId/rooms/:roomId/tags", endpoints.authed(this::tags));
    // PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag}
    ClientPaths.route(router, HttpMethod.PUT, "/user/:userId/rooms/:roomId/tags/:tag",
        endpoints.authed(this::putTag));
    // DELETE /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag}
    ClientPaths.route(router, HttpMethod.DELETE, "/user/:userId/rooms/:roomId/tags/:tag",
        endpoints.authed(this::deleteTag));
  }

  private Object get(AuthedRequest req) {
    return accountData.get(req.userId(), req.path("userId"), null, req.path("type"));
  }

  private Object put(AuthedRequest req) {
    accountData.put(req.userId(), req.path("userId"), null, req.path("type"), req.json());
    return Map.of();
  }

  private Object getRoom(AuthedRequest req) {
    return accountData.get(req.userId(), req.path("userId"), req.path("roomId"), req.path("type"));
  }

  private Object putRoom(AuthedRequest req) {
    accountData.put(req.userId(), req.path("userId"), req.path("roomId"), req.path("type"), req.json());
    return Map.of();
  }

  private Object tags(AuthedRequest req) {
    return accountData.tags(req.userId(), req.path("userId"), req.path("roomId"));
  }

  private Object putTag(AuthedRequest req) {
    accountData.putTag(req.userId(), req.path("userId"), req.path("roomId"), req.path("tag"), req.json());
    return Map.of();
  }

  private Object deleteTag(AuthedRequest req) {
    accountData.deleteTag(req.userId(), req.path("userId"), req.path("roomId"), req.path("tag"));
    return Map.of();
  }
}
