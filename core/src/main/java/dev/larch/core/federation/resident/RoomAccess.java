package dev.larch.core.federation.resident;

import dev.larch.core.auth.ServerAcl;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.id.RoomId;
import dev.larch.core.id.UserId;
import dev.larch.core.room.Membership;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StoredEvent;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * What a remote server must pass before it may ask anything about a room here, as Synapse checks it: the room is one
 * this server is in (a local user is joined: "resident"), the room's server ACL allows the origin, and, for reads
 * of room history, the origin has a joined user in the room.
 *
 * <p>Spec: server-server API v1.11, "Server Access Control Lists (ACLs)" (the ACL applies to every room-scoped
 * federation endpoint; a denied server gets 403 {@code M_FORBIDDEN}); "Joining Rooms" (a server that is not in the
 * room cannot answer {@code make_join}: 404).
 */
public final class RoomAccess {
  private static final StateKey ACL_SLOT = StateKey.of("m.room.server_acl", "");

  private final RoomStore store;
  private final String serverName;

  public RoomAccess(RoomStore store, String serverName) {
    this.store = store;
    this.serverName = serverName;
  }

  /** This server's name. */
  public String serverName() {
    return serverName;
  }

  /**
   * The version of {@code roomId} if this server is in it; {@code M_INVALID_PARAM} for a malformed room ID and
   * {@code M_NOT_FOUND} for a room without a joined local user (unknown, left, or only an invite of ours).
   */
  public RoomVersion requireResident(String roomId) {
    RoomId.parse(roomId);
    Optional<RoomVersion> version = store.roomVersion(roomId);
    if (version.isEmpty() || !serverJoined(roomId, serverName)) {
      throw MatrixException.notFound("This server is not in room " + roomId);
    }
    return version.get();
  }

  /** {@link #requireResident}, then the room's server ACL must allow {@code origin} ({@code M_FORBIDDEN}). */
  public RoomVersion requireAllowed(String roomId, String origin) {
    RoomVersion version = requireResident(roomId);
    if (!acl(roomId).allows(origin)) {
      throw MatrixException.forbidden("Server " + origin + " is denied by the room's server ACL");
    }
    return version;
  }

  /**
   * {@link #requireAllowed}, then {@code origin} must have a joined user in the room now, or the room must be
   * world-readable ({@code M_FORBIDDEN}): the gate of the history endpoints (Synapse's
   * {@code assert_host_in_room}, relaxed for world-readable rooms as its {@code _check_in_room_or_world_readable}).
   */
  public RoomVersion requireOriginInRoom(String roomId, String origin) {
    RoomVersion version = requireAllowed(roomId, origin);
    if (!serverJoined(roomId, origin) && !"world_readable".equals(currentHistoryVisibility(roomId))) {
      throw MatrixException.forbidden("Server " + origin + " is not in room " + roomId);
    }
    return version;
  }

  /** The room's current server ACL ({@link ServerAcl#NONE} without one). */
  public ServerAcl acl(String roomId) {
    return ServerAcl.of(currentStateEvent(roomId, ACL_SLOT));
  }

  /** Whether a user of {@code server} is joined to the room now. */
  public boolean serverJoined(String roomId, String server) {
    for (Membership member : store.members(roomId)) {
      if ("join".equals(member.membership()) && server.equals(serverOf(member.userId()))) {
        return true;
      }
    }
    return false;
  }

  /** The servers with joined users in the room now, this server first when it is one of them. */
  public List<String> joinedServers(String roomId) {
    Set<String> servers = new LinkedHashSet<>();
    boolean self = false;
    for (Membership member : store.members(roomId)) {
      if ("join".equals(member.membership())) {
        String server = serverOf(member.userId());
        if (serverName.equals(server)) {
          self = true;
        } else if (server != null) {
          servers.add(server);
        }
      }
    }
    List<String> out = new ArrayList<>(servers.size() + 1);
    if (self) {
      out.add(serverName);
    }
    out.addAll(servers.stream().sorted().toList());
    return out;
  }

  /** The current state event in {@code slot}, if any. */
  public Optional<Pdu> currentStateEvent(String roomId, StateKey slot) {
    return store.currentStateEventId(roomId, slot).flatMap(store::event).map(StoredEvent::pdu);
  }

  /** The room's current {@code history_visibility}, {@code shared} if unset. */
  public String currentHistoryVisibility(String roomId) {
    return currentStateEvent(roomId, StateKey.of("m.room.history_visibility", ""))
        .map(ServerVisibility::visibilityOf)
        .orElse("shared");
  }

  /** Whether {@code userId} is a user ID of {@code server}. */
  public static boolean belongsTo(String userId, String server) {
    return server != null && server.equals(serverOf(userId));
  }

  /** The server name of a user ID, or null if it is not one. */
  public static String serverOf(String userId) {
    return UserId.tryParse(userId).map(id -> id.serverName().value()).orElse(null);
  }
}
