package dev.larch.storage.jdbc;

import java.util.TreeSet;

/**
 * Hands out positions of one stream (events, account data) and publishes the highest position below which no
 * transaction is still open: what {@code /sync} may use as a token.
 *
 * <p>Implementation notes (after Synapse's {@code StreamIdGenerator}): writers take a position inside their
 * transaction and {@link #finish} it after commit or rollback. Two writers in different rooms commit in any order,
 * so position 7 may commit before 6; {@link #current()} stays at 5 until 6 finishes, so a reader that was told "you
 * have everything up to 7" can never later miss 6. A rolled-back or retried write leaves its position unused: the
 * stream may skip numbers but never goes back. One process owns the database: positions are kept in memory and
 * seeded from the table's maximum at open.
 */
public final class StreamTracker {
  private final TreeSet<Long> inFlight = new TreeSet<>();
  private long lastAllocated;
  private volatile long current;

  /** A tracker whose next position is {@code maxStored + 1}. */
  public StreamTracker(long maxStored) {
    this.lastAllocated = maxStored;
    this.current = maxStored;
  }

  /** A fresh position, in flight until {@link #finish} is called for it. */
  public synchronized long allocate() {
    long position = ++lastAllocated;
    inFlight.add(position);
    return position;
  }

  /** Marks a position's transaction as over (committed or not) and advances {@link #current()} if it can. */
  public synchronized void finish(long position) {
    inFlight.remove(position);
    current = inFlight.isEmpty() ? lastAllocated : inFlight.first() - 1;
  }

  /** The highest position with no open transaction at or below it. */
  public long current() {
    return current;
  }
}
