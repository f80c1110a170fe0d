package dev.larch.core.room;

import dev.larch.core.event.StateKey;
import java.util.Map;
import java.util.Objects;

/**
 * The room state just before a persisted event, as the caller worked it out. The store keeps it as a delta against
 * a stored snapshot, so the common cases never copy the whole state.
 */
public sealed interface StateBefore {
  /** No state: the room's create event, or an outlier (whose state is unknown and not stored). */
  static StateBefore none() {
    return None.INSTANCE;
  }

  /**
   * The state after one stored, non-outlier event: the usual case of a single prev event, or several prev events
   * whose states agree with this one's. The cheapest form: no state is loaded.
   */
  static StateBefore afterEvent(String eventId) {
    return new AfterEvent(eventId);
  }

  /**
   * A full state map, typically the result of state resolution over the prev events' states, or the state a
   * {@code send_join} answer carried. The store diffs it against the state after {@code baseEventId} (pass the prev
   * event whose state is most like it, or null to store a full copy).
   */
  static StateBefore resolved(Map<StateKey, String> state, String baseEventId) {
    return new Resolved(Map.copyOf(state), baseEventId);
  }

  /** See {@link #none()}. */
  enum None implements StateBefore {
    INSTANCE
  }

  /** See {@link #afterEvent(String)}. */
  record AfterEvent(String eventId) implements StateBefore {
    public AfterEvent {
      Objects.requireNonNull(eventId, "eventId");
    }
  }

  /** See {@link #resolved(Map, String)}. */
  record Resolved(Map<StateKey, String> state, String baseEventId) implements StateBefore {
    public Resolved {
      Objects.requireNonNull(state, "state");
    }
  }
}
