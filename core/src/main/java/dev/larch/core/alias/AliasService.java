package dev.larch.core.alias;

import dev.larch.core.auth.PowerLevels;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.federation.query.RemoteQueries;
import dev.larch.core.id.RoomAlias;
import dev.larch.core.id.RoomId;
import dev.larch.core.room.HistoryVisibility;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StoredEvent;
import java.util.List;
import java.util.Map;

/**
 * Local room aliases. Spec: client-server API, "Room aliases": {@code PUT/GET/DELETE /directory/room/{roomAlias}}
 * and {@code GET /rooms/{roomId}/aliases}. Aliases of other servers are resolved over federation
 * ({@code query/directory}) when a {@link RemoteQueries} is given, and are {@code M_NOT_FOUND} otherwise.
 */
public final class AliasService {
  private final AliasStore aliases;
  private final RoomStore rooms;
  private final HistoryVisibility visibility;
  private final String serverName;
  private final RemoteQueries remote;

  public AliasService(AliasStore aliases, RoomStore rooms, HistoryVisibility visibility, String serverName) {
    this(aliases, rooms, visibility, serverName, null);
  }

  /** As above, resolving other servers' aliases through {@code remote} (null: they are not found). */
  public AliasService(AliasStore aliases, RoomStore rooms, HistoryVisibility visibility, String serverName,
      RemoteQueries remote) {
    this.aliases = aliases;
    this.rooms = rooms;
    this.visibility = visibility;
    this.serverName = serverName;
    this.remote = remote;
  }

  /** The room an alias points to and the servers that know it. */
  public record Resolved(String roomId, List<String> servers) {}

  /** {@code PUT /directory/room/{roomAlias}}: a joined member of a room gives it a new local alias. */
  public void create(String userId, String alias, String roomId) {
    RoomAlias parsed = local(alias);
    RoomId.parse(roomId);
    if (rooms.roomVersion(roomId).isEmpty()) {
      throw MatrixException.notFound("Unknown room " + roomId);
    }
    if (!visibility.viewer(userId, roomId).isJoined()) {
      throw MatrixException.forbidden("You must be in the room to give it an alias");
    }
    if (!aliases.create(parsed.toString(), roomId, userId)) {
      throw aliasTaken(alias);
    }
  }

  /** {@code GET /directory/room/{roomAlias}}; blocking for another server's alias (a federation query). */
  public Resolved resolve(String alias) {
    RoomAlias parsed = RoomAlias.parse(alias);
    if (!parsed.serverName().value().equals(serverName)) {
      if (remote == null) {
        throw MatrixException.notFound("Room alias " + alias + " not found (federation is off)");
      }
      RemoteQueries.RemoteAlias resolved = remote.directory(parsed);
      return new Resolved(resolved.roomId(), resolved.servers());
    }
    return aliases.get(parsed.toString())
        .map(entry -> new Resolved(entry.roomId(), List.of(serverName)))
        .orElseThrow(() -> MatrixException.notFound("Room alias " + alias + " not found"));
  }

  /**
   * {@code DELETE /directory/room/{roomAlias}}: by the alias's creator, or a user allowed to change the room's
   * {@code m.room.canonical_alias}.
   */
  public void delete(String userId, String alias) {
    RoomAlias parsed = local(alias);
    AliasStore.RoomAliasEntry entry = aliases.get(parsed.toString())
        .orElseThrow(() -> MatrixException.notFound("Room alias " + alias + " not found"));
    if (!userId.equals(entry.creator()) && !isRoomAdmin(userId, entry.roomId())) {
      throw MatrixException.forbidden("You may not delete this alias");
    }
    aliases.delete(parsed.toString());
  }

  /** {@code GET /rooms/{roomId}/aliases}: for members, or anyone if the room is world-readable. */
  public List<String> aliasesOf(String userId, String roomId) {
    RoomId.parse(roomId);
    if (!visibility.viewer(userId, roomId).isJoined()
        && !"world_readable".equals(visibility.current(roomId))) {
      throw MatrixException.forbidden("You are not in this room");
    }
    return aliases.aliasesOf(roomId);
  }

  // The spec answers a taken alias with 409, a status no errcode carries by default.
  private static MatrixException aliasTaken(String alias) {
    return new MatrixException(ErrorCode.UNKNOWN, "Room alias " + alias + " already exists", Map.of(), null) {
      private static final long serialVersionUID = 1L;

      @Override
      public int httpStatus() {
        return 409;
      }
    };
  }

  private RoomAlias local(String alias) {
    RoomAlias parsed = RoomAlias.parse(alias);
    if (!parsed.serverName().value().equals(serverName)) {
      throw MatrixException.invalidParam("Room alias " + alias + " is not on this server");
    }
    return parsed;
  }

  private boolean isRoomAdmin(String userId, String roomId) {
    RoomVersion version = rooms.roomVersion(roomId).orElse(null);
    if (version == null) {
      return false;
    }
    Pdu create = state(roomId, "m.room.create");
    Pdu levels = state(roomId, "m.room.power_levels");
    PowerLevels powerLevels = PowerLevels.of(version, create, levels);
    return powerLevels.userLevel(userId) >= powerLevels.requiredLevel("m.room.canonical_alias", true);
  }

  private Pdu state(String roomId, String type) {
    return rooms.currentStateEventId(roomId, StateKey.of(type, "")).flatMap(rooms::event)
        .map(StoredEvent::pdu).orElse(null);
  }
}
