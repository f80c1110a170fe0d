package dev.larch.core.event;

import java.util.Comparator;
import java.util.Objects;

/** The (type, state_key) pair that identifies one slot of room state. Ordered by type, then state key. */
public record StateKey(String type, String stateKey) implements Comparable<StateKey> {
  private static final Comparator<StateKey> ORDER =
      Comparator.comparing(StateKey::type).thenComparing(StateKey::stateKey);

  public StateKey {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(stateKey, "stateKey");
  }

  public static StateKey of(String type, String stateKey) {
    return new StateKey(type, stateKey);
  }

  @Override
  public int compareTo(StateKey other) {
    return ORDER.compare(this, other);
  }
}
