package dev.larch.server.idle;

import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * Runs a compaction (a full garbage collection, which with the serial collector also gives the heap's free pages
 * back) once the node has been idle for a while after being busy, so a laptop node that handled a burst of traffic
 * does not keep its peak heap while nobody uses it.
 *
 * <p>Requests {@link #touch()} it; a timer calls {@link #tick()} about once a second. The compaction runs once per
 * idle spell, only after activity or start-up (a node that stays idle is not collected over and over), and never while
 * requests keep coming. A long-poll counts as activity when it starts and when it returns.
 */
public final class IdleCompaction {
  private final LongSupplier nanoClock;
  private final long idleNanos;
  private final Runnable compaction;
  private volatile long lastActivity;
  // Starting up (migrations, caches, compiling) counts as being busy.
  private volatile boolean busySinceCompaction = true;

  /**
   * @param nanoClock monotonic nanoseconds ({@code System::nanoTime})
   * @param idleMillis how long without requests counts as idle
   * @param compaction what to run then (off the event loop: it may pause for tens of milliseconds)
   */
  public IdleCompaction(LongSupplier nanoClock, long idleMillis, Runnable compaction) {
    if (idleMillis <= 0) {
      throw new IllegalArgumentException("idleMillis must be positive");
    }
    this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    this.idleNanos = idleMillis * 1_000_000;
    this.compaction = Objects.requireNonNull(compaction, "compaction");
    this.lastActivity = nanoClock.getAsLong();
  }

  /** A request arrived or finished. */
  public void touch() {
    lastActivity = nanoClock.getAsLong();
    busySinceCompaction = true;
  }

  /** Runs the compaction if the node was busy and has now been idle long enough; true if it ran. */
  public boolean tick() {
    if (!busySinceCompaction || nanoClock.getAsLong() - lastActivity < idleNanos) {
      return false;
    }
    busySinceCompaction = false;
    compaction.run();
    return true;
  }
}
