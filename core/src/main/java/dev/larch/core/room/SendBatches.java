package dev.larch.core.room;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BiConsumer;

/**
 * The queues behind {@link EventSender}'s grouped sends: one queue per {@link RoomLocks} stripe, so whoever holds a
 * stripe's lock may send everything queued in it (rooms of one stripe share the lock anyway).
 *
 * <p>How a send gets done: its caller queues it, then tries the lock. Whoever gets it (the leader) sends what is
 * queued, as batches of at most {@link #MAX_BATCH}, until its own send is done, releases the lock and wakes the
 * owner of the next queued send to lead the next batch. The others wait on their own send, not on the lock: if they
 * queued behind the lock, each would have to take it in turn only to find its send done, and that chain of
 * hand-offs, not the database, would set the pace. Nothing is left hanging: an owner also tries the lock again
 * after a short timeout (a wake-up can be missed when the lock was held by someone else, e.g. a service around its
 * own send), and a drained send that its batch did not finish (the batch threw) is failed.
 */
final class SendBatches {
  /** The most events one batch (one transaction) holds: bounds the wait of the first of them. */
  static final int MAX_BATCH = 64;

  /** How long the owner at the head of the queue sleeps before trying the lock itself, should no wake-up come. */
  private static final long RETRY_MILLIS = 5;

  /**
   * The same for the owners behind it, which only wait for their send to be done: a batch that finishes it wakes
   * them. With the short timeout, 64 waiting senders woke 12,800 times a second to find the lock taken, ~8 % of
   * the CPU of concurrent sends into one room.
   */
  private static final long QUEUED_RETRY_MILLIS = 100;

  @SuppressWarnings("unchecked")
  private final ConcurrentLinkedQueue<Pending>[] queues = new ConcurrentLinkedQueue[RoomLocks.STRIPES];

  SendBatches() {
    for (int i = 0; i < queues.length; i++) {
      queues[i] = new ConcurrentLinkedQueue<>();
    }
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

    // Guarded by this: a wake-up that came before the owner started waiting is kept.
    private boolean woken;

    boolean isDone() {
      return outcome.isDone();
    }

    void complete(EventSender.Sent sent) {
      outcome.complete(sent);
      wake();
    }

    void fail(RuntimeException e) {
      outcome.completeExceptionally(e);
      wake();
    }

    synchronized void wake() {
      woken = true;
      notifyAll();
    }

    // Until done, woken, or the retry timeout.
    synchronized void await(long retryMillis) {
      if (!woken && !isDone()) {
        try {
          wait(retryMillis);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      woken = false;
    }

    /** The sent event, or the exception its batch failed it with, rethrown on the caller's thread. */
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

  /**
   * Queues {@code pending} and returns once it is sent, sending it (and whatever else is queued) itself when it gets
   * {@code lock} (the room's).
   */
  EventSender.Sent send(Pending pending, ReentrantLock lock, BiConsumer<String, List<Pending>> sendBatch) {
    ConcurrentLinkedQueue<Pending> queue = queues[RoomLocks.stripe(pending.roomId())];
    queue.add(pending);
    while (!pending.isDone()) {
      if (lock.tryLock()) {
        try {
          drain(queue, pending, sendBatch);
        } finally {
          lock.unlock();
        }
        Pending next = queue.peek();
        if (next != null) {
          next.wake();
        }
      } else {
        pending.await(queue.peek() == pending ? RETRY_MILLIS : QUEUED_RETRY_MILLIS);
      }
    }
    return pending.result();
  }

  // With the stripe's lock held: sends the queue's events room by room, in queue order, at most MAX_BATCH at a
  // time, until owner is done.
  private static void drain(ConcurrentLinkedQueue<Pending> queue, Pending owner,
      BiConsumer<String, List<Pending>> sendBatch) {
    while (!owner.isDone()) {
      if (!drainOnce(queue, sendBatch)) {
        // Cannot happen while every caller drains its own stripe after queueing; a hang would be worse than this.
        owner.fail(new IllegalStateException("queued event send was lost"));
      }
    }
  }

  // One batch; false if the queue was empty.
  private static boolean drainOnce(ConcurrentLinkedQueue<Pending> queue,
      BiConsumer<String, List<Pending>> sendBatch) {
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
