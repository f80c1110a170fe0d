package dev.larch.core.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Port: the rooms this server takes part in, as a DAG of events with state. Every method is one transaction.
 *
 * <p>Spec: server-server API, "PDUs", "Room State Resolution", "Soft failure"; client-server API, "Syncing" and
 * "Pagination" (stream and topological orderings).
 *
 * <p>Orderings, as Synapse defines them:
 *
 * <ul>
 *   <li><b>Stream position</b>: the order in which this server persisted events, across all rooms. Assigned by the
 *       store at persist time. {@link #latestStreamPosition()} never passes a position whose transaction is still
 *       open, so a {@code /sync} token taken from it will never be overtaken by an event committed later with a lower
 *       position. Within one room, positions follow commit order.
 *   <li><b>Topological position</b>: {@code (depth, stream position)}, the order {@code /messages} walks.
 * </ul>
 *
 * <p>Reads for clients ({@link #eventsInStreamRange}, {@link #eventsBefore}, {@link #eventsAfter}) leave out
 * outliers, rejected and soft-failed events; {@link #event} and {@link #events} return any stored event with its
 * {@link EventStatus}, for federation and auth.
 */
public interface RoomStore {
  /**
   * Persists one event with everything that depends on it, atomically: its canonical JSON, a stream position,
   * its DAG edges, the forward extremities, its state snapshot, the current state and memberships, and the client
   * transaction ID. Persisting an event ID that is already stored writes nothing and returns the stored position,
   * and so does a client transaction ID that already produced an event. One exception: an event stored as an
   * outlier and persisted again as anything else is written again with its state, in place of the outlier (a new
   * stream position, state snapshots, extremities, current state; result not {@code alreadyStored}).
   *
   * <p>Callers persist the events of one room one at a time (the room's sequencer); the store also serialises
   * writers of one room, so a racing caller waits rather than corrupting extremities or current state.
   */
  PersistResult persist(PersistRequest request);

  /**
   * Persists history older than what the room holds (backfilled on demand, {@link RemoteHistory}) in one
   * transaction: each request as {@link #persist} would (events already stored are skipped), except that the events
   * get stream positions below every position handed out so far (negative ones), so that {@code /sync} never shows
   * them as new while {@code /messages} finds them by depth. Outlier requests are stored as outliers.
   *
   * @throws IllegalArgumentException if the events are not all of one room
   */
  default List<PersistResult> persistHistory(List<PersistRequest> requests) {
    throw new UnsupportedOperationException("this store keeps no backfilled history");
  }

  /**
   * Persists several events of one room, in order, in one transaction: each as {@link #persist} would, where a
   * later request may name an earlier one as prev event or as its state before. One commit for the lot, which is
   * what lets concurrent sends into one room share the cost of a durable commit.
   *
   * <p>All or nothing: if any request's event ID or client transaction ID is already stored (or appears twice in
   * the batch), nothing is written and the result is empty, so the caller can fall back to {@link #persist} one at
   * a time. Otherwise one result per request, in order, none {@code alreadyStored}.
   *
   * @throws IllegalArgumentException if the events are not all of one room
   */
  Optional<List<PersistResult>> persistAll(List<PersistRequest> requests);

  /**
   * Stores a membership event of one of this server's users in a room whose state it does not hold: an invite that
   * came over {@code PUT /invite}, or the leave that rejected one (an "out-of-band membership", as Synapse calls it).
   * The event is kept as an outlier (no state, no DAG edges walked, never a forward extremity), but the user's
   * membership row takes it with a new stream position, so {@code /sync} shows the invite (or the leave) as new.
   * Current state is not touched. Storing an event ID again writes nothing and returns {@code alreadyStored}.
   */
  default PersistResult persistOutOfBandMembership(Pdu event) {
    throw new UnsupportedOperationException("this store keeps no out-of-band memberships");
  }

  /** The room's version, or empty if this server has no event of that room. */
  Optional<RoomVersion> roomVersion(String roomId);

  /** The event, in any status, or empty. */
  Optional<StoredEvent> event(String eventId);

  /** The stored events among these IDs, in the order asked; unknown IDs are left out. */
  List<StoredEvent> events(Collection<String> eventIds);

  /** The full room state before the event (its "state at" for federation), or empty for unknown or outliers. */
  Optional<Map<StateKey, String>> stateBefore(String eventId);

  /** The full room state after the event (before it, plus the event itself if an accepted state event). */
  Optional<Map<StateKey, String>> stateAfter(String eventId);

  /** The room's current state as event IDs; empty map for an unknown room. */
  Map<StateKey, String> currentState(String roomId);

  /** One slot of the current state, without loading the rest (power levels, join rules, a member). */
  Optional<String> currentStateEventId(String roomId, StateKey key);

  /** The forward extremities: accepted events of the room that no stored event names as prev event yet. */
  Set<String> forwardExtremities(String roomId);

  /** The memberships of one user in every room this server knows it in, from each room's current state. */
  List<Membership> membershipsOf(String userId);

  /** The members of a room (every membership in its current state: join, invite, leave, ban, knock). */
  List<Membership> members(String roomId);

  /**
   * Client-visible events of the room with {@code fromExclusive < position <= toInclusive}, at most {@code limit}.
   * {@link Direction#FORWARDS} gives the oldest ones, ascending; {@link Direction#BACKWARDS} the newest ones,
   * descending (what a {@code /sync} timeline with a limit wants).
   */
  List<StoredEvent> eventsInStreamRange(
      String roomId, long fromExclusive, long toInclusive, int limit, Direction direction);

  /** Client-visible events strictly before {@code from} in topological order, newest first ({@code dir=b}). */
  List<StoredEvent> eventsBefore(String roomId, TopologicalPosition from, int limit);

  /** Client-visible events strictly after {@code from} in topological order, oldest first ({@code dir=f}). */
  List<StoredEvent> eventsAfter(String roomId, TopologicalPosition from, int limit);

  /** The highest stream position up to which every persist has finished; 0 before the first event. */
  long latestStreamPosition();

  /** The event a client transaction produced, for idempotent {@code PUT .../send/{type}/{txnId}}. */
  Optional<String> eventIdForTransaction(TxnKey txn);

  /**
   * The transaction IDs with which one device sent some of these events: event ID to txn ID, for the
   * {@code unsigned.transaction_id} a client sees on its own echoes. Events sent otherwise are left out.
   */
  Map<String, String> transactionIds(Collection<String> eventIds, String userId, String deviceId);

  /**
   * Replaces the stored JSON of an event by its redacted form (spec: client-server API, "Redactions": the server
   * keeps only the redacted event, with {@code unsigned.redacted_because}). The event ID, orderings, state and flags
   * stay as they are. False if the event is not stored.
   *
   * @param redactedEvent the output of {@link dev.larch.core.event.Redactor#redact} for the event, plus its
   *     {@code unsigned}
   */
  boolean replaceWithRedacted(String eventId, ObjectNode redactedEvent);
}
