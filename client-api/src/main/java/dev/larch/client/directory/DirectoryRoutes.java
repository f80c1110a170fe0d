package dev.larch.client.directory;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.ClientRequest;
import dev.larch.client.http.Endpoints;
import dev.larch.core.directory.PublicRoomsPage;
import dev.larch.core.directory.PublicRoomsQuery;
import dev.larch.core.directory.RoomDirectoryService;
import dev.larch.core.error.MatrixException;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The public room directory: a room's visibility in it, and the list of published rooms (this server's, or another
 * server's with {@code server}).
 *
 * <p>Spec: client-server API v1.11, "Listing rooms": {@code GET/PUT /directory/list/room/{roomId}},
 * {@code GET /publicRooms} (no access token needed) and {@code POST /publicRooms} (with a filter).
 */
public final class DirectoryRoutes {
  private final RoomDirectoryService directory;

  public DirectoryRoutes(RoomDirectoryService directory) {
    this.directory = directory;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // GET /_matrix/client/v3/directory/list/room/{roomId}
    ClientPaths.route(router, HttpMethod.GET, "/directory/list/room/:roomId", endpoints.open(
        req -> Map.of("visibility", directory.visibility(req.path("roomId")))));
    // PUT /_matrix/client/v3/directory/list/room/{roomId}
    ClientPaths.route(router, HttpMethod.PUT, "/directory/list/room/:roomId", endpoints.authed(this::setVisibility));
    // GET /_matrix/client/v3/publicRooms
    ClientPaths.route(router, HttpMethod.GET, "/publicRooms", endpoints.open(this::publicRooms));
    // POST /_matrix/client/v3/publicRooms
    ClientPaths.route(router, HttpMethod.POST, "/publicRooms", endpoints.authedAsync(this::queryPublicRooms));
  }

  private Object setVisibility(AuthedRequest req) {
    JsonNode visibility = req.jsonOrEmpty().get("visibility");
    if (visibility != null && !visibility.isNull() && !visibility.isTextual()) {
      throw MatrixException.badJson("visibility must be a string");
    }
    // The spec: "Defaults to 'public'".
    String value = visibility == null || visibility.isNull() ? "public" : visibility.asText();
    directory.setVisibility(req.userId(), req.path("roomId"), value);
    return Map.of();
  }

  // No access token here, and no async endpoint without one: another server's list is waited for on the worker
  // (RemotePublicRooms implementations bound their own wait).
  private Object publicRooms(ClientRequest req) {
    PublicRoomsQuery query = PublicRoomsQuery.fromQuery(req.query("limit"), req.query("since"));
    try {
      return directory.publicRooms(req.query("server").orElse(null), query).toCompletableFuture().join().toJson();
    } catch (CompletionException e) {
      if (e.getCause() instanceof RuntimeException cause) {
        throw cause;
      }
      throw e;
    }
  }

  private CompletionStage<Object> queryPublicRooms(AuthedRequest req) {
    PublicRoomsQuery query = PublicRoomsQuery.fromJson(req.json());
    return directory.publicRooms(req.query("server").orElse(null), query).thenApply(PublicRoomsPage::toJson);
  }
}
