package dev.larch.core.room;

import java.util.Comparator;

/**
 * An event's place in a room's topological order: its depth, ties broken by stream position. The position of a
 * pagination token. Spec: client-server API, "Pagination" (the server's token format is opaque; this is ours).
 */
public record TopologicalPosition(long depth, long streamPosition) implements Comparable<TopologicalPosition> {
  private static final Comparator<TopologicalPosition> ORDER =
      Comparator.comparingLong(TopologicalPosition::depth).thenComparingLong(TopologicalPosition::streamPosition);

  /** Before every event: paginating forwards from here starts at the room's first event. */
  public static final TopologicalPosition START = new TopologicalPosition(Long.MIN_VALUE, Long.MIN_VALUE);

  /** After every event: paginating backwards from here starts at the newest event. */
  public static final TopologicalPosition END = new TopologicalPosition(Long.MAX_VALUE, Long.MAX_VALUE);

  @Override
  public int compareTo(TopologicalPosition other) {
    return ORDER.compare(this, other);
  }
}
