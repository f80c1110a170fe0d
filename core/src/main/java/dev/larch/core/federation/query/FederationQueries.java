package dev.larch.core.federation.query;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.alias.AliasStore;
import dev.larch.core.error.MatrixException;
import dev.larch.core.federation.resident.RoomAccess;
import dev.larch.core.id.RoomAlias;
import dev.larch.core.id.UserId;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.profile.Profile;
import dev.larch.core.profile.ProfileStore;
import dev.larch.core.user.AccountStore;

/**
 * {@code GET /_matrix/federation/v1/query/directory} and {@code /query/profile}: what other servers may learn about
 * this server's aliases and users.
 *
 * <p>Spec: server-server API v1.11, "Querying for information". Only local aliases and users are answered: another
 * server's alias or user is {@code M_NOT_FOUND} (404) here, as is an alias or user we do not have.
 */
public final class FederationQueries {
  private final AliasStore aliases;
  private final RoomAccess rooms;
  private final ProfileStore profiles;
  private final AccountStore accounts;

  public FederationQueries(AliasStore aliases, RoomAccess rooms, ProfileStore profiles, AccountStore accounts) {
    this.aliases = aliases;
    this.rooms = rooms;
    this.profiles = profiles;
    this.accounts = accounts;
  }

  /**
   * {@code query/directory?room_alias=}: {@code {room_id, servers}}, the servers being those with joined users in
   * the room, this one first (it always answers for its own aliases).
   */
  public ObjectNode directory(String alias) {
    if (alias == null) {
      throw MatrixException.missingParam("room_alias is required");
    }
    RoomAlias parsed = RoomAlias.parse(alias);
    if (!parsed.serverName().value().equals(rooms.serverName())) {
      throw MatrixException.notFound("Room alias " + alias + " is not an alias of this server");
    }
    AliasStore.RoomAliasEntry entry = aliases.get(parsed.toString())
        .orElseThrow(() -> MatrixException.notFound("Room alias " + alias + " not found"));
    ObjectNode out = JsonMapper.shared().createObjectNode();
    out.put("room_id", entry.roomId());
    ArrayNode servers = out.putArray("servers");
    servers.add(rooms.serverName());
    for (String server : rooms.joinedServers(entry.roomId())) {
      if (!server.equals(rooms.serverName())) {
        servers.add(server);
      }
    }
    return out;
  }

  /**
   * {@code query/profile?user_id=&field=}: the user's {@code displayname} and {@code avatar_url}, or only the one
   * {@code field} names ({@code M_INVALID_PARAM} for another field).
   */
  public ObjectNode profile(String userId, String field) {
    if (userId == null) {
      throw MatrixException.missingParam("user_id is required");
    }
    UserId parsed = UserId.parse(userId);
    if (field != null && !field.equals("displayname") && !field.equals("avatar_url")) {
      throw MatrixException.invalidParam("field must be displayname or avatar_url");
    }
    if (!parsed.serverName().value().equals(rooms.serverName())
        || accounts.user(userId).filter(account -> !account.deactivated()).isEmpty()) {
      throw MatrixException.notFound("Profile not found");
    }
    Profile profile = profiles.get(userId).orElse(Profile.EMPTY);
    ObjectNode out = JsonMapper.shared().createObjectNode();
    if (profile.displayName() != null && (field == null || field.equals("displayname"))) {
      out.put("displayname", profile.displayName());
    }
    if (profile.avatarUrl() != null && (field == null || field.equals("avatar_url"))) {
      out.put("avatar_url", profile.avatarUrl());
    }
    return out;
  }
}
