package dev.larch.core.state;

import dev.larch.core.auth.AuthRules;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The iterative auth checks algorithm: applies a sorted list of state events to a room state, each only if the
 * authorization rules allow it there.
 *
 * <p>Spec: room versions, state resolution v2, "Iterative auth checks" and "Rejected events".
 *
 * <p>The state an event is checked against is its own {@code auth_events} (minus any that were rejected), with every
 * slot the auth events selection names for it ({@link AuthRules#authEventTypes}) replaced by the partially resolved
 * state's event where the state has one: "if a key that is required for checking the authorization rules is not
 * present in the state, then the appropriate state event from the event's {@code auth_events} is used". An event the
 * rules reject is dropped and leaves the state as it was.
 */
final class IterativeAuthChecks {
  private IterativeAuthChecks() {}

  /** Applies {@code sorted} (all available from {@code events}) to {@code state}, in order, in place. */
  static void apply(Map<StateKey, String> state, List<String> sorted, ResolutionEvents events) {
    for (String id : sorted) {
      Pdu event = events.get(id);
      StateKey slot = event.stateSlot().orElse(null);
      if (slot == null) {
        continue; // only state events belong in a state map
      }
      if (AuthRules.authorize(event, authState(event, state, events)).isAllowed()) {
        state.put(slot, id);
      }
    }
  }

  /** The auth state for {@code event} against the partially resolved {@code state}. */
  static Map<StateKey, Pdu> authState(Pdu event, Map<StateKey, String> state, ResolutionEvents events) {
    Map<StateKey, Pdu> authState = new HashMap<>();
    for (String authId : events.authEventIds(event.eventId())) {
      if (events.isRejected(authId)) {
        continue; // rejected auth events are deliberately never used
      }
      Pdu auth = events.get(authId);
      if (auth != null && auth.isState()) {
        authState.put(new StateKey(auth.type(), auth.stateKey()), auth);
      }
    }
    for (StateKey key : AuthRules.authEventTypes(event)) {
      String current = state.get(key);
      Pdu resolved = current == null ? null : events.get(current);
      if (resolved != null) {
        authState.put(key, resolved);
      }
    }
    if (events.version().privilegedCreators() && !authState.containsKey(ResolutionEvents.CREATE)) {
      // Room version 12 events never cite the create event, but the rules still read it (creators, room ID).
      Pdu create = events.createEventFor(event);
      if (create != null) {
        authState.put(ResolutionEvents.CREATE, create);
      }
    }
    return authState;
  }
}
