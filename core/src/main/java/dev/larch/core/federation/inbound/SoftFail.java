package dev.larch.core.federation.inbound;

import dev.larch.core.auth.AuthResult;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Step 6 of the checks on receipt of a PDU: an event that passed auth against the state before it, but would not
 * pass against the room's current state (the resolved state at the forward extremities, and the event's own branch),
 * is soft-failed: kept in the DAG for state resolution, never shown to clients, never a forward extremity.
 *
 * <p>Spec: server-server API, "Soft failure" (a banned user's server sending events that cite the DAG from before
 * the ban). When the event's prev events are exactly the forward extremities, the state before it is the current
 * state and step 5 already decided: nothing to do (Synapse skips the check the same way).
 */
final class SoftFail {
  private final IncomingEventChecks checks;

  SoftFail(IncomingEventChecks checks) {
    this.checks = checks;
  }

  /** Why the event soft-fails, or empty if it passes against the current state. */
  Optional<String> check(RoomBatch batch, Pdu event, Map<StateKey, String> stateBefore) {
    Set<String> extremities = batch.extremities();
    if (extremities.isEmpty() || new HashSet<>(event.prevEventIds()).equals(extremities)) {
      return Optional.empty();
    }
    List<Map<StateKey, String>> states = new ArrayList<>();
    for (String extremity : extremities) {
      batch.stateAfter(extremity).ifPresent(states::add);
    }
    states.add(stateBefore);
    Map<StateKey, String> current = batch.resolve(states);
    AuthResult result = checks.authAgainstState(event, current, batch::event);
    return result instanceof AuthResult.Rejected rejected ? Optional.of(rejected.reason()) : Optional.empty();
  }
}
