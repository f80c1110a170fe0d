package dev.larch.core.membership;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.alias.AliasStore;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.StateKey;
import dev.larch.core.id.RoomAlias;
import dev.larch.core.id.RoomId;
import dev.larch.core.id.UserId;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.profile.Profile;
import dev.larch.core.profile.ProfileStore;
import dev.larch.core.room.EventDraft;
import dev.larch.core.room.EventSender;
import dev.larch.core.room.Membership;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Room membership of local users: join, invite, leave, forget, kick, ban, unban, knock, and the joined rooms.
 *
 * <p>Spec: client-server API, "Room membership" ({@code /join}, {@code /invite}, {@code /leave}, {@code /forget},
 * {@code /kick}, {@code /ban}, {@code /unban}, {@code /knock}, {@code /joined_rooms}). The auth rules decide who may
 * do what; this class turns requests into {@code m.room.member} events. In a room this server is in (a local user
 * is joined), every change is a local send; joining, knocking on or leaving a room it is not in, resolving another
 * server's alias and inviting another server's user go through {@link RemoteMembership} (federation).
 */
public final class MembershipService {
  private final RoomStore store;
  private final EventSender sender;
  private final AliasStore aliases;
  private final ProfileStore profiles;
  private final ForgottenRoomStore forgotten;
  private final RemoteMembership remote;

  public MembershipService(
      RoomStore store, EventSender sender, AliasStore aliases, ProfileStore profiles, ForgottenRoomStore forgotten) {
    this(store, sender, aliases, profiles, forgotten, RemoteMembership.NONE);
  }

  /** With {@code remote} for the rooms and users of other servers. */
  public MembershipService(RoomStore store, EventSender sender, AliasStore aliases, ProfileStore profiles,
      ForgottenRoomStore forgotten, RemoteMembership remote) {
    this.remote = remote;
    this.store = store;
    this.sender = sender;
    this.aliases = aliases;
    this.profiles = profiles;
    this.forgotten = forgotten;
  }

  /**
   * {@code POST /join/{roomIdOrAlias}} and {@code POST /rooms/{roomId}/join}: joins and returns the room ID. Joining
   * a room one is already in sends nothing.
   */
  public String join(String userId, String roomIdOrAlias, String reason) {
    return join(userId, roomIdOrAlias, reason, List.of());
  }

  /**
   * {@link #join(String, String, String)} with the servers the client named ({@code via}, {@code server_name}) to
   * join through when this server is not in the room.
   */
  public String join(String userId, String roomIdOrAlias, String reason, List<String> via) {
    Target target = target(roomIdOrAlias, via);
    String roomId = target.roomId();
    if ("join".equals(membership(roomId, userId).orElse(null))) {
      return roomId;
    }
    ObjectNode content = memberContent("join", profiles.get(userId).orElse(Profile.EMPTY), reason);
    if (isResident(roomId)) {
      sender.send(roomId, userId, EventDraft.state("m.room.member", userId, content), Optional.empty());
    } else {
      content.remove("membership");
      remote.join(userId, roomId, target.servers(), content);
    }
    forgotten.unforget(userId, roomId);
    return roomId;
  }

  /** {@code POST /rooms/{roomId}/invite}. */
  public void invite(String userId, String roomId, String invitee, String reason) {
    UserId target = UserId.parse(invitee);
    requireKnownRoom(roomId);
    if (!target.serverName().value().equals(sender.builder().serverName())) {
      ObjectNode content = memberContent("invite", Profile.EMPTY, reason);
      remote.invite(userId, roomId, invitee, content);
      return;
    }
    ObjectNode content = memberContent("invite", profiles.get(invitee).orElse(Profile.EMPTY), reason);
    sender.send(roomId, userId, EventDraft.state("m.room.member", invitee, content), Optional.empty());
    forgotten.unforget(invitee, roomId);
  }

  /** {@code POST /rooms/{roomId}/leave}: also rejects an invite or withdraws a knock. Leaving twice is a no-op. */
  public void leave(String userId, String roomId, String reason) {
    requireKnownRoom(roomId);
    String current = membership(roomId, userId).orElse(null);
    if (current == null) {
      throw MatrixException.forbidden("You are not in this room");
    }
    if ("leave".equals(current)) {
      return;
    }
    if (!isResident(roomId)) {
      // An invite or knock into a room of other servers: the leave goes through one of them.
      ObjectNode content = JsonMapper.shared().createObjectNode();
      if (reason != null) {
        content.put("reason", reason);
      }
      remote.leave(userId, roomId, content);
      return;
    }
    sendMember(roomId, userId, userId, "leave", reason);
  }

  /** {@code POST /rooms/{roomId}/forget}: only once the user has left (or was never in) the room. */
  public void forget(String userId, String roomId) {
    String current = membership(roomId, userId).orElse(null);
    if ("join".equals(current) || "invite".equals(current) || "knock".equals(current)) {
      throw new MatrixException(ErrorCode.UNKNOWN, "You must leave the room before forgetting it");
    }
    forgotten.forget(userId, roomId);
  }

  /** {@code POST /rooms/{roomId}/kick}. */
  public void kick(String userId, String roomId, String target, String reason) {
    UserId.parse(target);
    requireKnownRoom(roomId);
    String current = membership(roomId, target).orElse("leave");
    if (!"join".equals(current) && !"invite".equals(current) && !"knock".equals(current)) {
      throw MatrixException.forbidden("The user is not in the room");
    }
    sendMember(roomId, userId, target, "leave", reason);
  }

  /** {@code POST /rooms/{roomId}/ban}. */
  public void ban(String userId, String roomId, String target, String reason) {
    UserId.parse(target);
    requireKnownRoom(roomId);
    if ("ban".equals(membership(roomId, target).orElse(null))) {
      return;
    }
    sendMember(roomId, userId, target, "ban", reason);
  }

  /** {@code POST /rooms/{roomId}/unban}: a banned user's membership becomes {@code leave}. */
  public void unban(String userId, String roomId, String target, String reason) {
    UserId.parse(target);
    requireKnownRoom(roomId);
    if (!"ban".equals(membership(roomId, target).orElse(null))) {
      throw MatrixException.forbidden("The user is not banned");
    }
    sendMember(roomId, userId, target, "leave", reason);
  }

  /**
   * {@code POST /knock/{roomIdOrAlias}}: asks to join a room whose join rule is {@code knock} or
   * {@code knock_restricted} (room versions 7+); returns the room ID.
   */
  public String knock(String userId, String roomIdOrAlias, String reason) {
    return knock(userId, roomIdOrAlias, reason, List.of());
  }

  /** {@link #knock(String, String, String)} with the servers the client named to knock through. */
  public String knock(String userId, String roomIdOrAlias, String reason, List<String> via) {
    Target target = target(roomIdOrAlias, via);
    String roomId = target.roomId();
    ObjectNode content = memberContent("knock", profiles.get(userId).orElse(Profile.EMPTY), reason);
    if (!isResident(roomId)) {
      // The resident server offers only room versions that support knocking (make_knock's ver).
      content.remove("membership");
      remote.knock(userId, roomId, target.servers(), content);
      forgotten.unforget(userId, roomId);
      return roomId;
    }
    RoomVersion version = store.roomVersion(roomId).orElseThrow();
    if (!version.supportsKnocking()) {
      throw MatrixException.forbidden("Room version " + version.identifier() + " does not support knocking");
    }
    sender.send(roomId, userId, EventDraft.state("m.room.member", userId, content), Optional.empty());
    forgotten.unforget(userId, roomId);
    return roomId;
  }

  /** {@code GET /joined_rooms}: the rooms the user is joined to now. */
  public List<String> joinedRooms(String userId) {
    return store.membershipsOf(userId).stream()
        .filter(m -> "join".equals(m.membership()))
        .map(Membership::roomId)
        .toList();
  }

  /**
   * The user's current membership of the room, or empty if they have none: from the room's current state, or for a
   * room this server is not in, the out-of-band membership it keeps (an invite received over federation, a knock).
   */
  public Optional<String> membership(String roomId, String userId) {
    Optional<String> inState = store.currentStateEventId(roomId, StateKey.of("m.room.member", userId))
        .flatMap(store::event)
        .map(StoredEvent::pdu)
        .map(e -> e.membership());
    if (inState.isPresent()) {
      return inState;
    }
    return store.membershipsOf(userId).stream()
        .filter(m -> m.roomId().equals(roomId))
        .map(Membership::membership)
        .findFirst();
  }

  private void sendMember(String roomId, String userId, String target, String membership, String reason) {
    ObjectNode content = JsonMapper.shared().createObjectNode().put("membership", membership);
    if (reason != null) {
      content.put("reason", reason);
    }
    sender.send(roomId, userId, EventDraft.state("m.room.member", target, content), Optional.empty());
  }

  /** A room to join or knock on, and the servers to go through if this server is not in it. */
  private record Target(String roomId, List<String> servers) {}

  // A room ID, a local alias, or another server's alias (looked up over federation, which also names servers).
  private Target target(String roomIdOrAlias, List<String> via) {
    if (roomIdOrAlias != null && roomIdOrAlias.startsWith("#")) {
      RoomAlias alias = RoomAlias.parse(roomIdOrAlias);
      if (!alias.serverName().value().equals(sender.builder().serverName())) {
        RemoteMembership.ResolvedAlias resolved = remote.resolveAlias(alias.toString());
        List<String> servers = new ArrayList<>(via);
        servers.addAll(resolved.servers());
        return new Target(RoomId.parse(resolved.roomId()).value(), servers);
      }
      String roomId = aliases.get(alias.toString())
          .map(AliasStore.RoomAliasEntry::roomId)
          .orElseThrow(() -> MatrixException.notFound("Room alias " + alias + " not found"));
      return new Target(roomId, via);
    }
    return new Target(RoomId.parse(roomIdOrAlias).value(), via);
  }

  /**
   * Whether this server is in the room: a local user is joined in its current state, or nobody is but this server
   * holds the room's state (a room whose members all left; the auth rules decide who may come back). Otherwise
   * membership changes of local users go through a server that is in it (over federation).
   */
  public boolean isResident(String roomId) {
    String suffix = ":" + sender.builder().serverName();
    boolean othersJoined = false;
    for (Membership member : store.members(roomId)) {
      if ("join".equals(member.membership())) {
        if (member.userId().endsWith(suffix)) {
          return true;
        }
        othersJoined = true;
      }
    }
    return !othersJoined && store.currentStateEventId(roomId, StateKey.of("m.room.create", "")).isPresent();
  }

  private void requireKnownRoom(String roomId) {
    RoomId.parse(roomId);
    if (store.roomVersion(roomId).isEmpty()) {
      throw MatrixException.forbidden("You are not in room " + roomId);
    }
  }

  static ObjectNode memberContent(String membership, Profile profile, String reason) {
    ObjectNode content = JsonMapper.shared().createObjectNode().put("membership", membership);
    if (profile.displayName() != null) {
      content.put("displayname", profile.displayName());
    }
    if (profile.avatarUrl() != null) {
      content.put("avatar_url", profile.avatarUrl());
    }
    if (reason != null) {
      content.put("reason", reason);
    }
    return content;
  }
}
