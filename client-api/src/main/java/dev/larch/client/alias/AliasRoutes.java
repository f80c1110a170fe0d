package dev.larch.client.alias;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.ClientRequest;
import dev.larch.client.http.Endpoints;
import dev.larch.core.alias.AliasService;
import dev.larch.core.error.MatrixException;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * Room aliases: create, resolve and delete local aliases, and list a room's aliases.
 *
 * <p>Spec: client-server API v1.11, "Room aliases".
 */
public final class AliasRoutes {
  private final AliasService aliases;

  public AliasRoutes(AliasService aliases) {
    this.aliases = aliases;
  }

  /** The body of {@code PUT /directory/room/{roomAlias}}. */
  public record CreateAliasRequest(@JsonProperty("room_id") String roomId) {}

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // PUT /_matrix/client/v3/directory/room/{roomAlias}
    ClientPaths.route(router, HttpMethod.PUT, "/directory/room/:roomAlias", endpoints.authed(this::create));
    // GET /_matrix/client/v3/directory/room/{roomAlias}
    ClientPaths.route(router, HttpMethod.GET, "/directory/room/:roomAlias", endpoints.open(this::resolve));
    // DELETE /_matrix/client/v3/directory/room/{roomAlias}
    ClientPaths.route(router, HttpMethod.DELETE, "/directory/room/:roomAlias", endpoints.authed(this::delete));
    // GET /_matrix/client/v3/rooms/{roomId}/aliases
    ClientPaths.route(router, HttpMethod.GET, "/rooms/:roomId/aliases", endpoints.authed(this::aliasesOf));
  }

  private Object create(AuthedRequest req) {
    CreateAliasRequest body = req.body(CreateAliasRequest.class);
    if (body.roomId() == null) {
      throw MatrixException.missingParam("room_id is required");
    }
    aliases.create(req.userId(), req.path("roomAlias"), body.roomId());
    return Map.of();
  }

  private Object resolve(ClientRequest req) {
    AliasService.Resolved resolved = aliases.resolve(req.path("roomAlias"));
    return Map.of("room_id", resolved.roomId(), "servers", resolved.servers());
  }

  private Object delete(AuthedRequest req) {
    aliases.delete(req.userId(), req.path("roomAlias"));
    return Map.of();
  }

  private Object aliasesOf(AuthedRequest req) {
    return Map.of("aliases", aliases.aliasesOf(req.userId(), req.path("roomId")));
  }
}
