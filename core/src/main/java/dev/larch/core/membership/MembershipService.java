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
import java.util.List;
import java.util.Optional;

/**
 * Room membership of local users: join, invite, leave, forget, kick, ban, unban, knock, and the joined rooms.
 *
 * <p>Spec: client-server API, "Room membership" ({@code /join}, {@code /invite}, {@code /leave}, {@code /forget},
 * {@code /kick}, {@code /ban}, {@code /unban}, {@code /knock}, {@code /joined_rooms}). The auth rules decide who may
 * do what; this class turns requests into {@code m.room.member} events. Only rooms this server already has are
 * reachable: joins, knocks and invites over federation arrive with federation support.
 */
public final class MembershipService {
  private final RoomStore store;
  private final EventSender sender;
  private final AliasStore aliases;
  private final ProfileStore profiles;
  private final ForgottenRoomStore forgotten;

  public MembershipService(
      RoomStore store, EventSender sender, AliasStore aliases, ProfileStore profiles, ForgottenRoomStore forgotten) {
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
    String roomId = resolve(roomIdOrAlias);
    if ("join".equals(membership(roomId, userId).orElse(null))) {
      return roomId;
    }
    ObjectNode content = memberContent("join", profiles.get(userId).orElse(Profile.EMPTY), reason);
    sender.send(roomId, userId, EventDraft.state("m.room.member", userId, content), Optional.empty());
    forgotten.unforget(userId, roomId);
    return roomId;
  }

  /** {@code POST /rooms/{roomId}/invite}. */
  public void invite(String userId, String roomId, String invitee, String reason) {
    UserId target = UserId.parse(invitee);
    requireKnownRoom(roomId);
    if (!target.serverName().value().equals(sender.builder().serverName())) {
      throw MatrixException.forbidden("Inviting users of other servers is not supported yet");
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
    String roomId = resolve(roomIdOrAlias);
    RoomVersion version = store.roomVersion(roomId).orElseThrow();
    if (!version.supportsKnocking()) {
      throw MatrixException.forbidden("Room version " + version.identifier() + " does not support knocking");
    }
    ObjectNode content = memberContent("knock", profiles.get(userId).orElse(Profile.EMPTY), reason);
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

  /** The user's current membership of the room, or empty if they have none. */
  public Optional<String> membership(String roomId, String userId) {
    return store.currentStateEventId(roomId, StateKey.of("m.room.member", userId))
        .flatMap(store::event)
        .map(StoredEvent::pdu)
        .map(e -> e.membership());
  }

  private void sendMember(String roomId, String userId, String target, String membership, String reason) {
    ObjectNode content = JsonMapper.shared().createObjectNode().put("membership", membership);
    if (reason != null) {
      content.put("reason", reason);
    }
    sender.send(roomId, userId, EventDraft.state("m.room.member", target, content), Optional.empty());
  }

  // A room ID this server has, or a local alias of one; anything else is M_NOT_FOUND.
  private String resolve(String roomIdOrAlias) {
    String roomId;
    if (roomIdOrAlias != null && roomIdOrAlias.startsWith("#")) {
      String alias = RoomAlias.parse(roomIdOrAlias).toString();
      roomId = aliases.get(alias)
          .map(AliasStore.RoomAliasEntry::roomId)
          .orElseThrow(() -> MatrixException.notFound("Room alias " + alias + " not found"));
    } else {
      roomId = RoomId.parse(roomIdOrAlias).value();
    }
    if (store.roomVersion(roomId).isEmpty()) {
      throw MatrixException.notFound(
          "This server does not know room " + roomId + " (joining rooms over federation is not supported yet)");
    }
    return roomId;
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
