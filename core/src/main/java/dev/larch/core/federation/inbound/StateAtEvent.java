package dev.larch.core.federation.inbound;

import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.StateBefore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The room state before a received event: the state after each of its prev events, resolved into one when there
 * are several. A prev event this server holds with its state answers from the store; for one it lacks (a gap that
 * {@code get_missing_events} did not close), the state is asked of the sender with {@code /state_ids} and the
 * events it names that are unknown here are fetched with {@code /event}, checked and kept as outliers.
 *
 * <p>Spec: server-server API, "PDUs" and "Room State Resolution" (the state before an event is the resolution of
 * the states after its prev events), "Retrieving events" ({@code /state_ids} gives the state before the event asked
 * about, so the prev event itself is added when it is an accepted state event).
 */
final class StateAtEvent {
  /**
   * The state before an event, and how the store is told it: as the state after its one prev event (the cheap
   * form) or as a full map diffed against a prev event's state.
   */
  record State(Map<StateKey, String> state, StateBefore form) {}

  private final RemoteEvents remote;
  private final Outliers outliers;

  StateAtEvent(RemoteEvents remote, Outliers outliers) {
    this.remote = remote;
    this.outliers = outliers;
  }

  /**
   * The state before {@code event}, fetching from {@code origin} what is missing.
   *
   * @throws dev.larch.core.federation.RemoteServerException if a state the event needs could not be fetched
   */
  State before(RoomBatch batch, String origin, Pdu event) {
    List<String> prevs = event.prevEventIds();
    if (prevs.size() == 1 && batch.hasState(prevs.get(0))) {
      String prev = prevs.get(0);
      return new State(batch.stateAfter(prev).orElseThrow(), StateBefore.afterEvent(prev));
    }
    List<Map<StateKey, String>> states = new ArrayList<>();
    String base = null;
    for (String prev : new LinkedHashSet<>(prevs)) {
      if (batch.hasState(prev)) {
        states.add(batch.stateAfter(prev).orElseThrow());
        base = base == null ? prev : base;
      } else {
        states.add(fetchStateAfter(batch, origin, prev));
      }
    }
    Map<StateKey, String> state = states.size() == 1 ? states.get(0) : batch.resolve(states);
    return new State(state, StateBefore.resolved(state, base));
  }

  // The state after a prev event this server lacks, as its sender tells it, every event in it checked.
  private Map<StateKey, String> fetchStateAfter(RoomBatch batch, String origin, String prevId) {
    RemoteEvents.StateIds ids = remote.stateIds(origin, batch.roomId(), prevId);
    Set<String> wanted = new LinkedHashSet<>(ids.authChainIds());
    wanted.addAll(ids.pduIds());
    wanted.add(prevId);
    List<Pdu> fetched = new ArrayList<>();
    for (String id : wanted) {
      if (!batch.known(id)) {
        remote.event(origin, batch.roomId(), batch.version(), id).ifPresent(fetched::add);
      }
    }
    outliers.add(batch, origin, fetched);
    Map<StateKey, String> state = new HashMap<>();
    for (String id : ids.pduIds()) {
      usableStateEvent(batch, id).ifPresent(e -> state.put(e.stateSlot().orElseThrow(), id));
    }
    usableStateEvent(batch, prevId).ifPresent(prev -> state.put(prev.stateSlot().orElseThrow(), prevId));
    return state;
  }

  // A state event that may stand in the state: known here, a state event, and not rejected. (An event the sender
  // names but that failed our checks is left out rather than trusted.)
  private static Optional<Pdu> usableStateEvent(RoomBatch batch, String eventId) {
    return batch.event(eventId).filter(Pdu::isState).filter(e -> !batch.isRejected(eventId));
  }
}
