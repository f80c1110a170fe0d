package dev.larch.core.profile;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.StateKey;
import dev.larch.core.federation.query.RemoteQueries;
import dev.larch.core.id.UserId;
import dev.larch.core.room.EventDraft;
import dev.larch.core.room.EventSender;
import dev.larch.core.room.Membership;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.user.AccountStore;
import dev.larch.core.user.UserAccount;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Display names and avatars of local users, and their propagation into the rooms the user is joined to.
 *
 * <p>Spec: client-server API, "Profiles" ({@code GET/PUT /profile/{userId}/displayname}, {@code .../avatar_url},
 * {@code GET /profile/{userId}}) and "Events on change of profile information": a change sends a new
 * {@code m.room.member} join event, with the new profile, into each joined room.
 */
public final class ProfileService {
  private static final Logger log = LoggerFactory.getLogger(ProfileService.class);

  private final ProfileStore profiles;
  private final AccountStore accounts;
  private final RoomStore rooms;
  private final EventSender sender;
  private final RemoteQueries remote;

  public ProfileService(ProfileStore profiles, AccountStore accounts, RoomStore rooms, EventSender sender) {
    this(profiles, accounts, rooms, sender, null);
  }

  /** As above, asking other servers for their users' profiles through {@code remote} (null: not found). */
  public ProfileService(ProfileStore profiles, AccountStore accounts, RoomStore rooms, EventSender sender,
      RemoteQueries remote) {
    this.profiles = profiles;
    this.accounts = accounts;
    this.rooms = rooms;
    this.sender = sender;
    this.remote = remote;
  }

  /**
   * The profile of a user: a local one from the store, another server's by a federation query (blocking);
   * {@code M_NOT_FOUND} for unknown users.
   */
  public Profile get(String userId) {
    UserId id = UserId.parse(userId);
    boolean local = id.serverName().value().equals(sender.builder().serverName());
    if (!local && remote != null) {
      return remote.profile(id);
    }
    if (!local || accounts.user(userId).filter(a -> !a.deactivated()).isEmpty()) {
      throw MatrixException.notFound("Profile not found");
    }
    return profiles.get(userId).orElse(Profile.EMPTY);
  }

  /** Sets the requester's own display name (null removes it) and updates their rooms. */
  public void setDisplayName(String requester, String userId, String displayName) {
    requireSelf(requester, userId);
    profiles.setDisplayName(userId, displayName);
    propagate(userId);
  }

  /** Sets the requester's own avatar URL (null removes it) and updates their rooms. */
  public void setAvatarUrl(String requester, String userId, String avatarUrl) {
    requireSelf(requester, userId);
    profiles.setAvatarUrl(userId, avatarUrl);
    propagate(userId);
  }

  private void requireSelf(String requester, String userId) {
    UserId.parse(userId);
    if (!requester.equals(userId)) {
      throw MatrixException.forbidden("You may only change your own profile");
    }
    Optional<UserAccount> account = accounts.user(userId);
    if (account.isEmpty() || account.get().deactivated()) {
      throw MatrixException.notFound("Profile not found");
    }
  }

  // A room that refuses the new member event (say, a power level change since) keeps the old profile.
  private void propagate(String userId) {
    Profile profile = profiles.get(userId).orElse(Profile.EMPTY);
    for (Membership membership : rooms.membershipsOf(userId)) {
      if (!"join".equals(membership.membership())) {
        continue;
      }
      String roomId = membership.roomId();
      try {
        ObjectNode content = rooms.currentStateEventId(roomId, StateKey.of("m.room.member", userId))
            .flatMap(rooms::event)
            .map(StoredEvent::pdu)
            .map(e -> e.content().deepCopy())
            .orElseThrow();
        content.put("membership", "join");
        content.remove("reason");
        setOrRemove(content, "displayname", profile.displayName());
        setOrRemove(content, "avatar_url", profile.avatarUrl());
        sender.send(roomId, userId, EventDraft.state("m.room.member", userId, content), Optional.empty());
      } catch (RuntimeException e) {
        log.debug("profile not propagated room={} user={} reason={}", roomId, userId, e.getMessage());
      }
    }
  }

  private static void setOrRemove(ObjectNode content, String key, String value) {
    if (value == null) {
      content.remove(key);
    } else {
      content.put(key, value);
    }
  }
}
