package dev.larch.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.room.RoomVersion;
import java.util.List;

/**
 * Rule 5 of the authorization rules (rule 4 in room versions 6–11): {@code m.room.member} events.
 *
 * <p>Spec: room versions 1–12, "Authorization rules". Version differences: {@code knock} membership and join rule
 * (v7+), {@code restricted} joins through {@code join_authorised_via_users_server} (v8+), {@code knock_restricted}
 * (v10+), the first join compared with the create event's {@code sender} rather than {@code content.creator} (v11+).
 * The restricted-join authoriser must be joined and hold the invite level (the clarification of spec v1.17).
 *
 * <p>Step 5.2, "the event is validly signed by the homeserver of the {@code join_authorised_via_users_server}
 * user", is a signature check and belongs with the other signature checks on receipt, not here.
 */
final class MembershipRules {
  private MembershipRules() {}

  static AuthResult authorize(Pdu event, RoomAuthState state) {
    // 5.1 If there is no state_key property, or no membership property in content, reject.
    String membership = event.membership();
    if (event.stateKey() == null || membership == null) {
      return AuthResult.rejected("5.1: m.room.member without state_key or content.membership");
    }
    // 5.2 (the join_authorised_via_users_server signature) is checked with the other signatures; see above.
    // 5.3 to 5.7 by membership; 5.8 otherwise, the membership is unknown (knock is, before room version 7): reject.
    boolean knockable = state.roomVersion().supportsKnocking();
    return switch (membership) {
      case EventTypes.JOIN -> join(event, state);
      case EventTypes.INVITE -> invite(event, state);
      case EventTypes.LEAVE -> leave(event, state);
      case EventTypes.BAN -> ban(event, state);
      case EventTypes.KNOCK ->
          knockable ? knock(event, state) : AuthResult.rejected("5.8: membership knock is unknown before v7");
      default -> AuthResult.rejected("5.8: unknown membership " + membership);
    };
  }

  /** 5.3: {@code membership} is {@code join}. */
  private static AuthResult join(Pdu event, RoomAuthState state) {
    RoomVersion version = state.roomVersion();
    String sender = event.sender();
    String target = event.stateKey();
    Pdu create = state.create();
    // 5.3.1 If the only previous event is an m.room.create and the state_key is the creator (v11+: the create
    // event's sender), allow.
    if (onlyPreviousEventIs(event, create) && target.equals(CreateRules.roomCreator(create))) {
      return AuthResult.ALLOWED;
    }
    // 5.3.2 If the sender does not match state_key, reject.
    if (!sender.equals(target)) {
      return AuthResult.rejected("5.3.2: join whose sender is not the state_key");
    }
    String current = state.membership(sender);
    // 5.3.3 If the sender is banned, reject.
    if (EventTypes.BAN.equals(current)) {
      return AuthResult.rejected("5.3.3: join by a banned user");
    }
    String joinRule = state.joinRule();
    boolean joinedOrInvited = EventTypes.JOIN.equals(current) || EventTypes.INVITE.equals(current);
    // 5.3.4 If the join_rule is invite (or, v7+, knock), allow if membership state is invite or join.
    if (EventTypes.INVITE.equals(joinRule) || (version.supportsKnocking() && EventTypes.KNOCK.equals(joinRule))) {
      return joinedOrInvited
          ? AuthResult.ALLOWED
          : AuthResult.rejected("5.3.4: join to an invite-only room without an invite");
    }
    // 5.3.5 If the join_rule is restricted (v8+) or knock_restricted (v10+):
    if ((version.supportsRestrictedJoins() && EventTypes.RESTRICTED.equals(joinRule))
        || (version.supportsKnockRestricted() && EventTypes.KNOCK_RESTRICTED.equals(joinRule))) {
      // 5.3.5.1 If membership state is join or invite, allow.
      if (joinedOrInvited) {
        return AuthResult.ALLOWED;
      }
      // 5.3.5.2 If join_authorised_via_users_server is not a user with sufficient permission to invite other
      // users (joined, at the invite level), reject.
      JsonNode authoriser = event.content().get("join_authorised_via_users_server");
      if (authoriser == null || !authoriser.isTextual()) {
        return AuthResult.rejected("5.3.5.2: restricted join without join_authorised_via_users_server");
      }
      String authoriserId = authoriser.textValue();
      if (!EventTypes.JOIN.equals(state.membership(authoriserId))
          || state.powerLevels().userLevel(authoriserId) < state.powerLevels().invite()) {
        return AuthResult.rejected("5.3.5.2: join_authorised_via_users_server cannot invite");
      }
      // 5.3.5.3 Otherwise, allow.
      return AuthResult.ALLOWED;
    }
    // 5.3.6 If the join_rule is public, allow.
    if (EventTypes.PUBLIC.equals(joinRule)) {
      return AuthResult.ALLOWED;
    }
    // 5.3.7 Otherwise, reject.
    return AuthResult.rejected("5.3.7: join rule " + joinRule + " does not admit this join");
  }

  /** 5.4: {@code membership} is {@code invite}. */
  private static AuthResult invite(Pdu event, RoomAuthState state) {
    // 5.4.1 If content has a third_party_invite property, the invite stands or falls by it.
    if (event.content().has("third_party_invite")) {
      return ThirdPartyInviteRules.authorize(event, state);
    }
    String sender = event.sender();
    String target = event.stateKey();
    // 5.4.2 If the sender's current membership state is not join, reject.
    if (!EventTypes.JOIN.equals(state.membership(sender))) {
      return AuthResult.rejected("5.4.2: invite by a sender who is not joined");
    }
    // 5.4.3 If target user's current membership state is join or ban, reject.
    String targetMembership = state.membership(target);
    if (EventTypes.JOIN.equals(targetMembership) || EventTypes.BAN.equals(targetMembership)) {
      return AuthResult.rejected("5.4.3: invite of a user who is " + targetMembership);
    }
    // 5.4.4 If the sender's power level is greater than or equal to the invite level, allow.
    PowerLevels levels = state.powerLevels();
    if (levels.userLevel(sender) >= levels.invite()) {
      return AuthResult.ALLOWED;
    }
    // 5.4.5 Otherwise, reject.
    return AuthResult.rejected("5.4.5: sender is below the invite level");
  }

  /** 5.5: {@code membership} is {@code leave}. */
  private static AuthResult leave(Pdu event, RoomAuthState state) {
    String sender = event.sender();
    String target = event.stateKey();
    // 5.5.1 If the sender matches state_key, allow if and only if that user's current membership state is invite,
    // join, or (v7+) knock.
    if (sender.equals(target)) {
      String current = state.membership(sender);
      boolean mayLeave =
          EventTypes.INVITE.equals(current)
              || EventTypes.JOIN.equals(current)
              || (state.roomVersion().supportsKnocking() && EventTypes.KNOCK.equals(current));
      return mayLeave ? AuthResult.ALLOWED : AuthResult.rejected("5.5.1: leave by a user who is " + current);
    }
    // 5.5.2 If the sender's current membership state is not join, reject.
    if (!EventTypes.JOIN.equals(state.membership(sender))) {
      return AuthResult.rejected("5.5.2: kick by a sender who is not joined");
    }
    PowerLevels levels = state.powerLevels();
    long senderLevel = levels.userLevel(sender);
    // 5.5.3 If the target user's current membership state is ban, and the sender's power level is less than the
    // ban level, reject.
    if (EventTypes.BAN.equals(state.membership(target)) && senderLevel < levels.ban()) {
      return AuthResult.rejected("5.5.3: unban by a sender below the ban level");
    }
    // 5.5.4 If the sender's power level is at least the kick level, and the target user's power level is less
    // than the sender's, allow.
    if (senderLevel >= levels.kick() && levels.userLevel(target) < senderLevel) {
      return AuthResult.ALLOWED;
    }
    // 5.5.5 Otherwise, reject.
    return AuthResult.rejected("5.5.5: sender may not kick this user");
  }

  /** 5.6: {@code membership} is {@code ban}. */
  private static AuthResult ban(Pdu event, RoomAuthState state) {
    String sender = event.sender();
    // 5.6.1 If the sender's current membership state is not join, reject.
    if (!EventTypes.JOIN.equals(state.membership(sender))) {
      return AuthResult.rejected("5.6.1: ban by a sender who is not joined");
    }
    // 5.6.2 If the sender's power level is at least the ban level, and the target user's power level is less than
    // the sender's, allow.
    PowerLevels levels = state.powerLevels();
    long senderLevel = levels.userLevel(sender);
    if (senderLevel >= levels.ban() && levels.userLevel(event.stateKey()) < senderLevel) {
      return AuthResult.ALLOWED;
    }
    // 5.6.3 Otherwise, reject.
    return AuthResult.rejected("5.6.3: sender may not ban this user");
  }

  /** 5.7 (v7+): {@code membership} is {@code knock}. */
  private static AuthResult knock(Pdu event, RoomAuthState state) {
    // 5.7.1 If the join_rule is anything other than knock (or, v10+, knock_restricted), reject.
    String joinRule = state.joinRule();
    boolean knockable =
        EventTypes.KNOCK.equals(joinRule)
            || (state.roomVersion().supportsKnockRestricted() && EventTypes.KNOCK_RESTRICTED.equals(joinRule));
    if (!knockable) {
      return AuthResult.rejected("5.7.1: join rule " + joinRule + " does not allow knocking");
    }
    // 5.7.2 If sender does not match state_key, reject.
    if (!event.sender().equals(event.stateKey())) {
      return AuthResult.rejected("5.7.2: knock whose sender is not the state_key");
    }
    // 5.7.3 If the sender's current membership is not ban, invite, or join, allow.
    String current = state.membership(event.sender());
    if (!EventTypes.BAN.equals(current) && !EventTypes.INVITE.equals(current) && !EventTypes.JOIN.equals(current)) {
      return AuthResult.ALLOWED;
    }
    // 5.7.4 Otherwise, reject.
    return AuthResult.rejected("5.7.4: knock by a user who is " + current);
  }

  // "The only previous event is an m.room.create": exactly one prev_events entry, naming the create event.
  private static boolean onlyPreviousEventIs(Pdu event, Pdu create) {
    JsonNode raw = event.json().get("prev_events");
    List<String> prevEvents = event.prevEventIds();
    return raw != null
        && raw.size() == 1
        && prevEvents.size() == 1
        && prevEvents.get(0).equals(create.eventId());
  }
}
