package dev.larch.core.room;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The queues behind {@link EventSender}'s grouped sends: one queue per {@link RoomLocks} stripe, so whoever holds a
 * stripe's lock may send everything queued in it (rooms of one stripe share the lock anyway).
 *
 * <p>How a send gets done: its caller queues it and tries the lock. If it gets it, it sends one batch (at most
 * {@link #MAX_BATCH} of the oldest queued sends, its own normally among them) and returns; if sends are still
 * queued then, a drainer (a thread of the {@code drainer} executor) takes the lock and sends batches until the queue
 * is empty. A caller that does not get the lock returns at once with its send's future: whoever holds the lock
 * sees the queue before letting go of it. That is the drainer, or a caller after its one batch, or any other holder
 * of the room's lock, which {@link RoomLocks#withLock} reports to {@link #released} once free. So a burst into one
 * room is sent by one thread, batch after batch, without a hand-off between batches or a thread woken per send; each
 * send's future completes as its batch commits.
 */
final class SendBatches {
  private static final Logger log = LoggerFactory.getLogger(SendBatches.class);

  /** The most events one batch (one transaction) holds: bounds the wait of the first of them. */
  static final int MAX_BATCH = 64;

  @SuppressWarnings("unchecked")
  private final ConcurrentLinkedQueue<Pending>[] queues = new ConcurrentLinkedQueue[RoomLocks.STRIPES];
  private final AtomicBoolean[] drainerAsked = new AtomicBoolean[RoomLocks.STRIPES];
  private final RoomLocks locks;
  private final Executor drainer;
  private final BiConsumer<String, List<Pending>> sendBatch;

  /**
   * @param drainer where queued sends left after a caller's batch are sent (inline, {@code Runnable::run}: the
   *     caller itself goes on until the queue is empty)
   * @param sendBatch sends one room's batch, the room's lock held, completing or failing each of its sends
   */
  SendBatches(RoomLocks locks, Executor drainer, BiConsumer<String, List<Pending>> sendBatch) {
    for (int i = 0; i < queues.length; i++) {
      queues[i] = new ConcurrentLinkedQueue<>();
      drainerAsked[i] = new AtomicBoolean();
    }
    this.locks = locks;
    this.drainer = drainer;
    this.sendBatch = sendBatch;
  }

  /** One queued send and, once it is done, its outcome. */
  static final class Pending {
    private final String roomId;
    private final String sender;
    private final EventDraft draft;
    private final Optional<TxnKey> txn;
    private final CompletableFuture<EventSender.Sent> outcome = new CompletableFuture<>();

    Pending(String roomId, String sender, EventDraft draft, Optional<TxnKey> txn) {
      this.roomId = roomId;
      this.sender = sender;
      this.draft = draft;
      this.txn = txn;
    }

    String roomId() {
      return roomId;
    }

    String sender() {
      return sender;
    }

    EventDraft draft() {
      return draft;
    }

    Optional<TxnKey> txn() {
      return txn;
    }

    boolean isDone() {
      return outcome.isDone();
    }

    void complete(EventSender.Sent sent) {
      outcome.complete(sent);
    }

    void fail(RuntimeException e) {
      outcome.completeExceptionally(e);
    }

    CompletableFuture<EventSender.Sent> outcome() {
      return outcome;
    }

    /** Waits for the sent event, or rethrows the exception its batch failed it with on the caller's thread. */
    EventSender.Sent result() {
      try {
        return outcome.join();
      } catch (CompletionException e) {
        // The batch's exception as such (a MatrixException keeps its error code for the client).
        if (e.getCause() instanceof RuntimeException runtime) {
          throw runtime;
        }
        throw e;
      }
    }
  }

  /** Queues {@code pending}, sends a batch if the room's lock is free, and returns its future. */
  CompletableFuture<EventSender.Sent> submit(Pending pending) {
    int stripe = RoomLocks.stripe(pending.roomId());
    queues[stripe].add(pending);
    ReentrantLock lock = locks.stripeLock(stripe);
    if (lock.tryLock()) {
      try {
        drainOnce(queues[stripe]);
      } finally {
        lock.unlock();
        released(stripe);
      }
    }
    return pending.outcome();
  }

  /** A stripe's lock was let go: sends queued meanwhile go to a drainer. Any thread, any time. */
  void released(int stripe) {
    if (!queues[stripe].isEmpty() && drainerAsked[stripe].compareAndSet(false, true)) {
      drainer.execute(() -> drain(stripe));
    }
  }

  // The drainer: sends batches until the queue is empty, unless another thread holds the lock (which then sees the
  // queue when it lets go). Checks again after unlocking, for a send queued between its last batch and the unlock.
  private void drain(int stripe) {
    drainerAsked[stripe].set(false);
    ConcurrentLinkedQueue<Pending> queue = queues[stripe];
    ReentrantLock lock = locks.stripeLock(stripe);
    while (!queue.isEmpty() && lock.tryLock()) {
      try {
        while (drainOnceLogged(queue)) {
          // batch after batch
        }
      } finally {
        lock.unlock();
      }
    }
  }

  // A batch that threw has failed its own sends (drainOnce); the queue behind it still goes out.
  private boolean drainOnceLogged(ConcurrentLinkedQueue<Pending> queue) {
    try {
      return drainOnce(queue);
    } catch (RuntimeException e) {
      log.error("queued event batch failed", e);
      return true;
    }
  }

  // One batch, the stripe's lock held: the oldest queued sends, room by room; false if the queue was empty.
  private boolean drainOnce(ConcurrentLinkedQueue<Pending> queue) {
    Map<String, List<Pending>> byRoom = new LinkedHashMap<>();
    for (int taken = 0; taken < MAX_BATCH; taken++) {
      Pending next = queue.poll();
      if (next == null) {
        break;
      }
      byRoom.computeIfAbsent(next.roomId(), id -> new ArrayList<>()).add(next);
    }
    if (byRoom.isEmpty()) {
      return false;
    }
    try {
      byRoom.forEach(sendBatch);
    } finally {
      for (List<Pending> batch : byRoom.values()) {
        for (Pending p : batch) {
          if (!p.isDone()) {
            p.fail(new IllegalStateException("event batch ended without sending this event"));
          }
        }
      }
    }
    return true;
  }
}
