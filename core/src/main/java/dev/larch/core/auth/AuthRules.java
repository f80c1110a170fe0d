package dev.larch.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.id.ServerName;
import dev.larch.core.id.UserId;
import dev.larch.core.room.RoomVersion;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The authorization rules of every room version, and the auth-events selection algorithm.
 *
 * <p>Spec: room versions 1–12, "Authorization rules" (one variant per version); server-server API, "Auth events
 * selection" and "Checks performed on receipt of a PDU". The event's own room version picks the variant.
 *
 * <p>The rules split in two. The checks on the event's {@code auth_events} list (duplicates, unexpected entries,
 * foreign rooms, a missing create event) are about the list itself: {@link #checkAuthEvents}. Everything else reads
 * room state: {@link #authorize}, which the receipt checks run against the auth events, the state before the event
 * and the current state, and state resolution runs in its iterative auth checks. {@link #authorizeWithAuthEvents}
 * does both for the first of those.
 *
 * <p>Not checked here, because they need server keys or event storage: that the event is signed by the sender's
 * server; step 5.2, that a {@code join_authorised_via_users_server} join is signed by that user's server; and step
 * 3.3, that no auth event was itself rejected. Hashes and signatures are checked before the auth rules run.
 *
 * <p>Rejection reasons cite the rule numbers of room version 12 (rules 5–10 have the same numbers in versions 1–5;
 * versions 6–11 number them one lower).
 */
public final class AuthRules {
  private static final StateKey CREATE_SLOT = StateKey.of(EventTypes.CREATE, "");

  private AuthRules() {}

  /**
   * Checks {@code event} against {@code authState}: the state the rules read (the event's auth events, or the room
   * state before it), keyed by (type, state_key). From room version 12, where {@code auth_events} no longer cite the
   * create event, the caller puts the room's create event into {@code authState} all the same.
   */
  public static AuthResult authorize(Pdu event, Map<StateKey, Pdu> authState) {
    RoomVersion version = event.roomVersion();
    String type = event.type();
    String sender = event.sender();
    // Events that do not have the event format are dropped before the rules run; rejecting them here keeps the
    // rules total over any input.
    if (type == null) {
      return AuthResult.rejected("event has no type");
    }
    Optional<UserId> senderId = UserId.tryParse(sender);
    if (senderId.isEmpty()) {
      return AuthResult.rejected("sender is not a valid user ID");
    }
    // 1. If type is m.room.create, the create rules decide.
    if (EventTypes.CREATE.equals(type)) {
      return CreateRules.authorize(event);
    }
    RoomAuthState state = new RoomAuthState(version, authState);
    Pdu create = state.create();
    // 3.4 (v1–11: "if there is no m.room.create event among the entries, reject"); from v12 the create event is
    // implied by the room ID, and every later rule reads it.
    if (create == null) {
      return AuthResult.rejected("3: no m.room.create event in the auth state");
    }
    // 2. (v12) If the event's room_id is not the create event's ID with sigil !, reject.
    if (version.privilegedCreators() && !Objects.equals(event.roomId(), roomIdOf(create))) {
      return AuthResult.rejected("2: room_id is not the ID of the room's m.room.create event");
    }
    // 4. If the create event's content has m.federate set to false, and the sender's domain differs from the create
    // event sender's domain, reject.
    JsonNode federate = create.content().get("m.federate");
    if (federate != null && federate.isBoolean() && !federate.booleanValue()
        && !senderId.map(UserId::serverName).equals(domainOf(create.sender()))) {
      return AuthResult.rejected("4: the room does not federate with the sender's server");
    }
    // 4. (v1–5) If type is m.room.aliases: allow if and only if the state_key is the sender's domain.
    if (version.specialCasesAliasesAuth() && EventTypes.ALIASES.equals(type)) {
      return aliases(event, senderId.get());
    }
    // 5. If type is m.room.member, the membership rules decide.
    if (EventTypes.MEMBER.equals(type)) {
      return MembershipRules.authorize(event, state);
    }
    // 6. If the sender's current membership state is not join, reject.
    if (!EventTypes.JOIN.equals(state.membership(sender))) {
      return AuthResult.rejected("6: sender is not joined to the room");
    }
    // 7. If type is m.room.third_party_invite, allow if and only if the sender is at the invite level.
    if (EventTypes.THIRD_PARTY_INVITE.equals(type)) {
      return ThirdPartyInviteRules.authorizeInviteEvent(event, state);
    }
    // 8. If the event type's required power level is greater than the sender's power level, reject.
    PowerLevels levels = state.powerLevels();
    if (levels.requiredLevel(type, event.isState()) > levels.userLevel(sender)) {
      return AuthResult.rejected("8: sender is below the required power level for " + type);
    }
    // 9. If the event has a state_key that starts with an @ and does not match the sender, reject.
    String stateKey = event.stateKey();
    if (stateKey != null && stateKey.startsWith("@") && !stateKey.equals(sender)) {
      return AuthResult.rejected("9: state_key is another user's ID");
    }
    // 10. If type is m.room.power_levels, the power levels rules decide.
    if (EventTypes.POWER_LEVELS.equals(type)) {
      return PowerLevelsRules.authorize(event, state);
    }
    // 11. (v1–2) If type is m.room.redaction, the redaction rule decides.
    if (version.hasRedactionAuthRule() && EventTypes.REDACTION.equals(type)) {
      return RedactionRules.authorize(event, state);
    }
    // Otherwise, allow.
    return AuthResult.ALLOWED;
  }

  /**
   * The state slots whose current events an event of this shape must cite in {@code auth_events}: the create event
   * (not in room version 12), power levels, the sender's membership, and for membership events the target's
   * membership, join rules, the third-party invite and the authorising user's membership.
   */
  public static Set<StateKey> authEventTypes(Pdu event) {
    return AuthEventsSelection.select(event);
  }

  /**
   * The rules on the event's {@code auth_events} list (v12 rule 3, earlier rule 2): {@code authEvents} are the
   * events its {@code auth_events} name. Rejects duplicate (type, state_key) pairs (3.1), entries the auth events
   * selection does not ask for, which from room version 12 includes the create event (3.2), entries from another
   * room (3.4), and before room version 12 a list without the create event. Whether an entry was itself rejected
   * (3.3) is the caller's concern. Create events pass: rule 1 judges them alone.
   */
  public static AuthResult checkAuthEvents(Pdu event, List<Pdu> authEvents) {
    if (EventTypes.CREATE.equals(event.type())) {
      return AuthResult.ALLOWED;
    }
    Set<StateKey> expected = authEventTypes(event);
    Set<StateKey> seen = new HashSet<>();
    for (Pdu authEvent : authEvents) {
      Optional<StateKey> slot = authEvent.stateSlot();
      if (slot.isEmpty()) {
        return AuthResult.rejected("3.2: auth event " + authEvent.eventId() + " is not a state event");
      }
      // 3.1 If there are duplicate entries for a given type and state_key pair, reject.
      if (!seen.add(slot.get())) {
        return AuthResult.rejected("3.1: duplicate auth events for " + slot.get());
      }
      // 3.2 If there are entries whose type and state_key the auth events selection does not select, reject.
      if (!expected.contains(slot.get())) {
        return AuthResult.rejected("3.2: unexpected auth event for " + slot.get());
      }
      // 3.4 If any event in auth_events has a room_id which does not match that of the event, reject.
      if (!Objects.equals(authEvent.roomId(), event.roomId())) {
        return AuthResult.rejected("3.4: auth event " + authEvent.eventId() + " is from another room");
      }
    }
    // (v1–11) If there is no m.room.create event among the entries, reject.
    if (!event.roomVersion().privilegedCreators() && !seen.contains(CREATE_SLOT)) {
      return AuthResult.rejected("3: no m.room.create event among the auth events");
    }
    return AuthResult.ALLOWED;
  }

  /**
   * Authorizes {@code event} based on its auth events (step 4 of the checks on receipt of a PDU):
   * {@link #checkAuthEvents} on the list, then {@link #authorize} against the state it forms. {@code createEvent}
   * is the room's create event, needed from room version 12 where {@code auth_events} no longer cite it; before
   * that it is ignored (and may be null), the create event coming from {@code authEvents}.
   */
  public static AuthResult authorizeWithAuthEvents(Pdu event, List<Pdu> authEvents, Pdu createEvent) {
    AuthResult listed = checkAuthEvents(event, authEvents);
    if (!listed.isAllowed()) {
      return listed;
    }
    Map<StateKey, Pdu> state = new HashMap<>();
    if (!EventTypes.CREATE.equals(event.type())) {
      for (Pdu authEvent : authEvents) {
        authEvent.stateSlot().ifPresent(slot -> state.put(slot, authEvent));
      }
      if (event.roomVersion().privilegedCreators() && createEvent != null) {
        state.put(CREATE_SLOT, createEvent);
      }
    }
    return authorize(event, state);
  }

  // 4. (v1–5) m.room.aliases: 4.1 no state_key rejects; 4.2 a state_key other than the sender's domain rejects;
  // 4.3 otherwise allow.
  private static AuthResult aliases(Pdu event, UserId sender) {
    if (event.stateKey() == null) {
      return AuthResult.rejected("4.1: m.room.aliases without state_key");
    }
    if (!sender.serverName().value().equals(event.stateKey())) {
      return AuthResult.rejected("4.2: m.room.aliases state_key is not the sender's domain");
    }
    return AuthResult.ALLOWED;
  }

  // The room ID a room version 12 create event stands for: its event ID with sigil ! instead of $.
  private static String roomIdOf(Pdu create) {
    String eventId = create.eventId();
    return eventId.startsWith("$") ? "!" + eventId.substring(1) : null;
  }

  private static Optional<ServerName> domainOf(String userId) {
    return UserId.tryParse(userId).map(UserId::serverName);
  }
}
