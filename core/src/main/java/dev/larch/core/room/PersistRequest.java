package dev.larch.core.room;

import dev.larch.core.event.Pdu;
import java.util.Objects;
import java.util.Optional;

/**
 * Everything {@link RoomStore#persist} writes for one event.
 *
 * @param event the event, exactly as it will be served again (stored as canonical JSON of its room version)
 * @param status accepted, outlier, soft-failed or rejected
 * @param stateBefore the state before the event; {@link StateBefore#none()} for outliers and the create event
 * @param currentState what happens to the room's current state
 * @param txn the client transaction that sent the event, recorded in the same transaction, or empty
 * @param freshlyBuilt built by this server for this write (a local send), so no copy of it can be stored yet: the
 *     store skips looking its ID up (a stored copy would still fail the write, never be overwritten)
 */
public record PersistRequest(
    Pdu event,
    EventStatus status,
    StateBefore stateBefore,
    CurrentStateUpdate currentState,
    Optional<TxnKey> txn,
    boolean freshlyBuilt) {
  /** A request for an event that may already be stored (received, fetched, or built earlier). */
  public PersistRequest(
      Pdu event, EventStatus status, StateBefore stateBefore, CurrentStateUpdate currentState, Optional<TxnKey> txn) {
    this(event, status, stateBefore, currentState, txn, false);
  }

  public PersistRequest {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(stateBefore, "stateBefore");
    Objects.requireNonNull(currentState, "currentState");
    Objects.requireNonNull(txn, "txn");
    if (status.outlier() && !(stateBefore instanceof StateBefore.None)) {
      throw new IllegalArgumentException("an outlier has no state before it");
    }
    if (!status.visibleToClients() && !(currentState instanceof CurrentStateUpdate.Unchanged)) {
      throw new IllegalArgumentException("only accepted events may change current state");
    }
  }

  /** An accepted event that extends the room's only extremity: the shape of a local send. */
  public static PersistRequest accepted(Pdu event, StateBefore stateBefore) {
    return new PersistRequest(
        event, EventStatus.ACCEPTED, stateBefore, CurrentStateUpdate.toStateAfterEvent(), Optional.empty());
  }

  /** An event stored without state, e.g. an auth event fetched for a remote event. */
  public static PersistRequest outlier(Pdu event) {
    return new PersistRequest(
        event, EventStatus.OUTLIER, StateBefore.none(), CurrentStateUpdate.unchanged(), Optional.empty());
  }

  /** This request, recording the client transaction that sent it. */
  public PersistRequest withTxn(TxnKey key) {
    return new PersistRequest(event, status, stateBefore, currentState, Optional.of(key), freshlyBuilt);
  }
}
