package dev.larch.core.federation.send;

import java.util.List;

/**
 * Port: the events stream as the federation sender reads it, so that what it queues is decided by what was
 * committed (and survives a crash between the commit and the queueing), not by listener calls alone.
 */
@FunctionalInterface
public interface EventStreamReader {
  /**
   * Accepted events (neither outliers, rejected nor soft-failed) with {@code afterExclusive < position <=
   * untilInclusive}, in stream order, at most {@code limit}.
   */
  List<StreamEvent> events(long afterExclusive, long untilInclusive, int limit);
}
