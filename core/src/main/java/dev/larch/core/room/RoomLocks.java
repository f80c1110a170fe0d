package dev.larch.core.room;

import java.util.concurrent.locks.ReentrantLock;
import java.util.function.IntConsumer;
import java.util.function.Supplier;

/**
 * Serialises the writers of one room: building an event reads the room's forward extremities and state, so two
 * local sends into one room must not interleave, while sends into different rooms run in parallel.
 *
 * <p>Spec: server-server API, "PDUs" (an event's {@code prev_events} are the room's forward extremities). Conduit
 * keeps a mutex per room and Dendrite a worker per room; this is a fixed table of striped locks, so memory stays
 * bounded however many rooms exist, and two rooms share a lock only on a hash collision (1 in {@value #STRIPES}).
 * Locks are reentrant: a service may hold its room's lock while the event sender takes it again.
 */
public final class RoomLocks {
  static final int STRIPES = 1024;

  private final ReentrantLock[] locks = new ReentrantLock[STRIPES];
  // Told when a holder lets go of a stripe for good: the event sender then sends what was queued meanwhile.
  private volatile IntConsumer released = stripe -> { };

  public RoomLocks() {
    for (int i = 0; i < STRIPES; i++) {
      locks[i] = new ReentrantLock();
    }
  }

  /** Which of the {@value #STRIPES} locks guards {@code roomId}: rooms with the same stripe share a lock. */
  static int stripe(String roomId) {
    return Math.floorMod(roomId.hashCode(), STRIPES);
  }

  /** A stripe's lock itself, for {@link SendBatches}, which must try it without blocking. */
  ReentrantLock stripeLock(int stripe) {
    return locks[stripe];
  }

  /** Who {@link #withLock} tells of a stripe let go of (the one event sender of these locks). */
  void onRelease(IntConsumer released) {
    this.released = released;
  }

  /** Whether the calling thread holds the lock of {@code roomId} (around a check and the send it decides on). */
  public boolean isHeldByCurrentThread(String roomId) {
    return locks[stripe(roomId)].isHeldByCurrentThread();
  }

  /** Runs {@code work} while holding the lock of {@code roomId}. */
  public <T> T withLock(String roomId, Supplier<T> work) {
    int stripe = stripe(roomId);
    ReentrantLock lock = locks[stripe];
    lock.lock();
    try {
      return work.get();
    } finally {
      lock.unlock();
      if (!lock.isHeldByCurrentThread()) {
        released.accept(stripe);
      }
    }
  }
}
