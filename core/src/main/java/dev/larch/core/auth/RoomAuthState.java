package dev.larch.core.auth;

import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomVersion;
import java.util.Map;
import java.util.Optional;

/**
 * The room state the auth rules read, with the spec's reading of absent events: no membership event means
 * {@code leave}, no power levels event means the default levels.
 *
 * <p>Spec: room versions, "Authorization rules" (the "current membership state", the {@code join_rule}, the
 * {@code m.room.create} event "in the room state").
 */
final class RoomAuthState {
  private final RoomVersion roomVersion;
  private final Map<StateKey, Pdu> state;
  private final Pdu create;
  private final PowerLevels powerLevels;

  RoomAuthState(RoomVersion roomVersion, Map<StateKey, Pdu> state) {
    this.roomVersion = roomVersion;
    this.state = state;
    this.create = state.get(StateKey.of(EventTypes.CREATE, ""));
    this.powerLevels = PowerLevels.fromState(roomVersion, state);
  }

  RoomVersion roomVersion() {
    return roomVersion;
  }

  /** The {@code m.room.create} event, or null if the state has none. */
  Pdu create() {
    return create;
  }

  PowerLevels powerLevels() {
    return powerLevels;
  }

  /** Whether the room has a previous {@code m.room.power_levels} event. */
  boolean hasPowerLevels() {
    return powerLevels.hasPowerLevelsEvent();
  }

  /** The previous {@code m.room.power_levels} event, if any. */
  Optional<Pdu> powerLevelsEvent() {
    return get(EventTypes.POWER_LEVELS, "");
  }

  /**
   * The current membership of {@code userId}: the {@code membership} of their {@code m.room.member} event, or
   * {@code leave} if they have none (or it is unreadable), since a user the room has never seen is not in it.
   */
  String membership(String userId) {
    if (userId == null) {
      return EventTypes.LEAVE;
    }
    String membership = get(EventTypes.MEMBER, userId).map(Pdu::membership).orElse(null);
    return membership != null ? membership : EventTypes.LEAVE;
  }

  /**
   * The {@code join_rule} of the {@code m.room.join_rules} event. The spec gives no value for a room without one
   * (or with an unreadable one); like the reference implementations this reads it as {@code invite}, which admits
   * only invited users.
   */
  String joinRule() {
    return get(EventTypes.JOIN_RULES, "")
        .map(event -> event.content().get("join_rule"))
        .filter(node -> node.isTextual())
        .map(node -> node.textValue())
        .orElse(EventTypes.INVITE);
  }

  /** The {@code m.room.third_party_invite} event whose state key is {@code token}, if any. */
  Optional<Pdu> thirdPartyInvite(String token) {
    return get(EventTypes.THIRD_PARTY_INVITE, token);
  }

  private Optional<Pdu> get(String type, String stateKey) {
    return Optional.ofNullable(state.get(StateKey.of(type, stateKey)));
  }
}
