package dev.larch.core.federation.send;

import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * Port: the durable per-destination send queues, and how far the sender has read the event stream. Every method
 * is one transaction. Entries stay in the database until delivered; the sender keeps at most one transaction's
 * worth of them in memory per destination.
 */
public interface FederationQueueStore {
  /**
   * The event stream position up to which every local event has been queued for its destinations, or -1 if the
   * sender never ran on this database.
   */
  long streamPosition();

  /**
   * Queues PDUs and moves the stream position to {@code streamPosition}, in one transaction: after a crash, either
   * both happened or neither, so the sender reads those events again and no event is queued twice or lost.
   */
  void enqueuePdus(List<QueueEntry> pdus, long streamPosition);

  /** Queues entries (EDUs, or PDUs sent on another server's behalf), in order; the stream position stays. */
  void enqueue(List<QueueEntry> entries);

  /** The oldest {@code limit} entries queued for {@code destination}, in queueing order. */
  List<QueueEntry> head(String destination, int limit);

  /** Deletes delivered (or given up) entries of {@code destination} by ID. */
  void delete(String destination, Collection<Long> ids);

  /** The destinations with anything queued. */
  Set<String> destinations();
}
