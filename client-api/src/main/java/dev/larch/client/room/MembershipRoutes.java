package dev.larch.client.room;

import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import dev.larch.core.error.MatrixException;
import dev.larch.core.id.RoomId;
import dev.larch.core.membership.MembershipService;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Room membership: join, invite, leave, forget, kick, ban, unban, knock, and the joined rooms. The {@code via} and
 * {@code server_name} parameters of join and knock name the servers to join or knock through when this server is
 * not in the room.
 *
 * <p>Spec: client-server API v1.11, "Room membership".
 */
public final class MembershipRoutes {
  private final MembershipService memberships;

  public MembershipRoutes(MembershipService memberships) {
    this.memberships = memberships;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // POST /_matrix/client/v3/join/{roomIdOrAlias}
    ClientPaths.route(router, HttpMethod.POST, "/join/:roomIdOrAlias", endpoints.authed(this::joinByIdOrAlias));
    // POST /_matrix/client/v3/rooms/{roomId}/join
    ClientPaths.route(router, HttpMethod.POST, "/rooms/:roomId/join", endpoints.authed(this::join));
    // POST /_matrix/client/v3/rooms/{roomId}/invite
    ClientPaths.route(router, HttpMethod.POST, "/rooms/:roomId/invite", endpoints.authed(this::invite));
    // POST /_matrix/client/v3/rooms/{roomId}/leave
    ClientPaths.route(router, HttpMethod.POST, "/rooms/:roomId/leave", endpoints.authed(this::leave));
    // POST /_matrix/client/v3/rooms/{roomId}/forget
    ClientPaths.route(router, HttpMethod.POST, "/rooms/:roomId/forget", endpoints.authed(this::forget));
    // POST /_matrix/client/v3/rooms/{roomId}/kick
    ClientPaths.route(router, HttpMethod.POST, "/rooms/:roomId/kick", endpoints.authed(this::kick));
    // POST /_matrix/client/v3/rooms/{roomId}/ban
    ClientPaths.route(router, HttpMethod.POST, "/rooms/:roomId/ban", endpoints.authed(this::ban));
    // POST /_matrix/client/v3/rooms/{roomId}/unban
    ClientPaths.route(router, HttpMethod.POST, "/rooms/:roomId/unban", endpoints.authed(this::unban));
    // POST /_matrix/client/v3/knock/{roomIdOrAlias}
    ClientPaths.route(router, HttpMethod.POST, "/knock/:roomIdOrAlias", endpoints.authed(this::knock));
    // GET /_matrix/client/v3/joined_rooms
    ClientPaths.route(router, HttpMethod.GET, "/joined_rooms", endpoints.authed(this::joinedRooms));
  }

  private Object joinByIdOrAlias(AuthedRequest req) {
    String roomId = memberships.join(req.userId(), req.path("roomIdOrAlias"), body(req).reason(), via(req));
    return Map.of("room_id", roomId);
  }

  private Object join(AuthedRequest req) {
    String roomId = memberships.join(req.userId(), roomId(req), body(req).reason(), via(req));
    return Map.of("room_id", roomId);
  }

  private Object invite(AuthedRequest req) {
    MembershipRequest body = body(req);
    memberships.invite(req.userId(), roomId(req), target(body), body.reason());
    return Map.of();
  }

  private Object leave(AuthedRequest req) {
    memberships.leave(req.userId(), roomId(req), body(req).reason());
    return Map.of();
  }

  private Object forget(AuthedRequest req) {
    memberships.forget(req.userId(), roomId(req));
    return Map.of();
  }

  private Object kick(AuthedRequest req) {
    MembershipRequest body = body(req);
    memberships.kick(req.userId(), roomId(req), target(body), body.reason());
    return Map.of();
  }

  private Object ban(AuthedRequest req) {
    MembershipRequest body = body(req);
    memberships.ban(req.userId(), roomId(req), target(body), body.reason());
    return Map.of();
  }

  private Object unban(AuthedRequest req) {
    MembershipRequest body = body(req);
    memberships.unban(req.userId(), roomId(req), target(body), body.reason());
    return Map.of();
  }

  private Object knock(AuthedRequest req) {
    return Map.of("room_id",
        memberships.knock(req.userId(), req.path("roomIdOrAlias"), body(req).reason(), via(req)));
  }

  private Object joinedRooms(AuthedRequest req) {
    return Map.of("joined_rooms", memberships.joinedRooms(req.userId()));
  }

  // via (v1.12) and the older server_name, both repeatable.
  private static List<String> via(AuthedRequest req) {
    List<String> servers = new ArrayList<>(req.queryAll("via"));
    servers.addAll(req.queryAll("server_name"));
    return servers;
  }

  private static String roomId(AuthedRequest req) {
    return RoomId.parse(req.path("roomId")).value();
  }

  // Membership bodies are often sent empty by clients; an empty body means no reason.
  private static MembershipRequest body(AuthedRequest req) {
    return req.body(MembershipRequest.class, req.jsonOrEmpty());
  }

  private static String target(MembershipRequest body) {
    if (body.userId() == null) {
      throw MatrixException.missingParam("user_id is required");
    }
    return body.userId();
  }
}
