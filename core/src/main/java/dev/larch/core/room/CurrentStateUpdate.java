package dev.larch.core.room;

import dev.larch.core.event.StateKey;
import java.util.Map;
import java.util.Objects;

/**
 * What a persist does to the room's current state (and so to its memberships). The store cannot resolve state
 * itself, so the caller says which state is now current.
 */
public sealed interface CurrentStateUpdate {
  /** Leave current state alone: outliers, rejected or soft-failed events, backfilled history. */
  static CurrentStateUpdate unchanged() {
    return Unchanged.INSTANCE;
  }

  /**
   * Current state becomes the state after this event: right when the event's prev events were all the room's
   * forward extremities (a local send, or a remote event that extends the only extremity).
   */
  static CurrentStateUpdate toStateAfterEvent() {
    return ToStateAfterEvent.INSTANCE;
  }

  /** Current state becomes this map: the resolution of the states at the new forward extremities. */
  static CurrentStateUpdate to(Map<StateKey, String> state) {
    return new To(Map.copyOf(state));
  }

  /** See {@link #unchanged()}. */
  enum Unchanged implements CurrentStateUpdate {
    INSTANCE
  }

  /** See {@link #toStateAfterEvent()}. */
  enum ToStateAfterEvent implements CurrentStateUpdate {
    INSTANCE
  }

  /** See {@link #to(Map)}. */
  record To(Map<StateKey, String> state) implements CurrentStateUpdate {
    public To {
      Objects.requireNonNull(state, "state");
    }
  }
}
