package dev.larch.core.state;

import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomVersion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The events one resolution reads, each fetched from the {@link EventSource} once and each derived fact (auth event
 * IDs, the power levels event among the auth events) computed once.
 *
 * <p>Lives for one call of the resolver and is not thread-safe. Sorting compares events many times, so the
 * orderings read their keys from here rather than from the JSON.
 */
final class ResolutionEvents {
  static final StateKey CREATE = StateKey.of("m.room.create", "");
  static final StateKey POWER_LEVELS = StateKey.of("m.room.power_levels", "");
  static final StateKey JOIN_RULES = StateKey.of("m.room.join_rules", "");

  private final RoomVersion version;
  private final EventSource source;
  private final Map<String, Optional<Pdu>> pdus = new HashMap<>();
  private final Map<String, List<String>> authEventIds = new HashMap<>();
  private final Map<String, Optional<Pdu>> powerLevelsAuthEvent = new HashMap<>();

  ResolutionEvents(RoomVersion version, EventSource source) {
    this.version = version;
    this.source = source;
  }

  RoomVersion version() {
    return version;
  }

  /** The event, or null if the source does not have it. */
  Pdu get(String eventId) {
    return pdus.computeIfAbsent(eventId, source::event).orElse(null);
  }

  boolean isRejected(String eventId) {
    return source.isRejected(eventId);
  }

  /** The event's auth event IDs, or none if the event is missing. */
  List<String> authEventIds(String eventId) {
    List<String> known = authEventIds.get(eventId);
    if (known == null) {
      Pdu pdu = get(eventId);
      known = pdu == null ? List.of() : pdu.authEventIds();
      authEventIds.put(eventId, known);
    }
    return known;
  }

  /** The {@code m.room.power_levels} event among the event's auth events, or null if it cites none we have. */
  Pdu powerLevelsAuthEvent(String eventId) {
    Optional<Pdu> known = powerLevelsAuthEvent.get(eventId);
    if (known == null) {
      known = Optional.ofNullable(authEventOfSlot(eventId, POWER_LEVELS));
      powerLevelsAuthEvent.put(eventId, known);
    }
    return known.orElse(null);
  }

  /**
   * The room's create event as seen by {@code event}: in room version 12 the create event is not cited, and the
   * room ID is its event ID with the {@code !} sigil, so it is derived from the room ID; before, it is the cited
   * {@code m.room.create} auth event. The create event itself answers itself. Null if unavailable.
   */
  Pdu createEventFor(Pdu event) {
    if (CREATE.type().equals(event.type()) && "".equals(event.stateKey())) {
      return event;
    }
    if (version.privilegedCreators()) {
      String roomId = event.roomId();
      if (roomId == null || !roomId.startsWith("!")) {
        return null;
      }
      return get("$" + roomId.substring(1));
    }
    return authEventOfSlot(event.eventId(), CREATE);
  }

  private Pdu authEventOfSlot(String eventId, StateKey slot) {
    for (String authId : authEventIds(eventId)) {
      Pdu auth = get(authId);
      if (auth != null && slot.type().equals(auth.type()) && slot.stateKey().equals(auth.stateKey())) {
        return auth;
      }
    }
    return null;
  }
}
