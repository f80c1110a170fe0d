package dev.larch.core.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomVersion;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The auth events selection: which state slots an event's {@code auth_events} must cite.
 *
 * <p>Spec: server-server API, "Auth events selection" (v1.16+). The create event's {@code auth_events} are empty.
 * For other events:
 *
 * <ul>
 *   <li>the {@code m.room.create} event (not in room version 12, where the room ID stands for it);
 *   <li>the current {@code m.room.power_levels} event, if any;
 *   <li>the sender's current {@code m.room.member} event, if any;
 *   <li>if type is {@code m.room.member}: the target's current member event; if {@code membership} is
 *       {@code join}, {@code invite} or {@code knock}, the {@code m.room.join_rules} event; if {@code membership} is
 *       {@code invite} with {@code content.third_party_invite}, the {@code m.room.third_party_invite} event keyed by
 *       {@code content.third_party_invite.signed.token}; if {@code membership} is {@code join} with
 *       {@code content.join_authorised_via_users_server} in a room version with restricted joins (v8+), that user's
 *       {@code m.room.member} event.
 * </ul>
 */
final class AuthEventsSelection {
  private AuthEventsSelection() {}

  static Set<StateKey> select(Pdu event) {
    if (EventTypes.CREATE.equals(event.type())) {
      return Set.of();
    }
    RoomVersion version = event.roomVersion();
    Set<StateKey> slots = new LinkedHashSet<>();
    if (!version.privilegedCreators()) {
      slots.add(StateKey.of(EventTypes.CREATE, ""));
    }
    slots.add(StateKey.of(EventTypes.POWER_LEVELS, ""));
    if (event.sender() != null) {
      slots.add(StateKey.of(EventTypes.MEMBER, event.sender()));
    }
    if (EventTypes.MEMBER.equals(event.type()) && event.stateKey() != null) {
      slots.add(StateKey.of(EventTypes.MEMBER, event.stateKey()));
      String membership = event.membership();
      if (EventTypes.JOIN.equals(membership)
          || EventTypes.INVITE.equals(membership)
          || EventTypes.KNOCK.equals(membership)) {
        slots.add(StateKey.of(EventTypes.JOIN_RULES, ""));
      }
      String token = thirdPartyInviteToken(event);
      if (EventTypes.INVITE.equals(membership) && token != null) {
        slots.add(StateKey.of(EventTypes.THIRD_PARTY_INVITE, token));
      }
      JsonNode authoriser = event.content().get("join_authorised_via_users_server");
      if (EventTypes.JOIN.equals(membership)
          && version.supportsRestrictedJoins()
          && authoriser != null
          && authoriser.isTextual()) {
        slots.add(StateKey.of(EventTypes.MEMBER, authoriser.textValue()));
      }
    }
    return Collections.unmodifiableSet(slots);
  }

  private static String thirdPartyInviteToken(Pdu event) {
    JsonNode token = event.content().path("third_party_invite").path("signed").path("token");
    return token.isTextual() ? token.textValue() : null;
  }
}
