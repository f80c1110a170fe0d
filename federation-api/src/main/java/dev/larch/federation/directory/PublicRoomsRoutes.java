package dev.larch.federation.directory;

import dev.larch.core.directory.PublicRoomsQuery;
import dev.larch.core.directory.RoomDirectoryService;
import dev.larch.federation.http.FederationEndpoints;
import io.vertx.ext.web.Router;

/**
 * {@code GET} and {@code POST /_matrix/federation/v1/publicRooms}: the rooms this server publishes, with the same
 * filter and paging as the client API's {@code /publicRooms} (only local rooms, so listings reach one hop, as
 * Dendrite's P2P nodes expect).
 *
 * <p>Spec: server-server API v1.11, "Public Room Directory".
 */
public final class PublicRoomsRoutes {
  private final RoomDirectoryService directory;

  public PublicRoomsRoutes(RoomDirectoryService directory) {
    this.directory = directory;
  }

  public void mount(Router router, FederationEndpoints endpoints) {
    router.get("/_matrix/federation/v1/publicRooms").handler(endpoints.signed(request -> directory
        .localPublicRooms(PublicRoomsQuery.fromQuery(request.query("limit"), request.query("since"))).toJson()));
    router.post("/_matrix/federation/v1/publicRooms").handler(endpoints.signed(request -> directory
        .localPublicRooms(PublicRoomsQuery.fromJson(request.json())).toJson()));
  }
}
