package dev.larch.core.sync;

import dev.larch.core.event.Pdu;
import dev.larch.core.event.RoomEventListener;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Wakes pending {@code /sync} long-polls when something they could return has happened: an event in one of their
 * rooms (via {@link RoomEventListener}), a membership event about their user, or a change on one of the other sync
 * streams (typing and receipts per room, account data and presence per user).
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#syncing">client-server API v1.11, "Syncing"</a>
 * ({@code timeout}: the server waits for new data).
 *
 * <p>Implementation notes: a {@link Waiter} is a future that completes once; nothing blocks a thread. A long-poll
 * computes its response, registers, and then compares the stream positions it computed with against the current
 * ones, so an event that finished between the two is never missed. One race is left: the event stream publishes
 * position 7 only after 6 has finished too, so a waiter woken by 7 may recompute before 7 is visible. Such a waiter
 * registers as <em>lagging</em> (it has seen less than the highest notified position) and is woken by the next event
 * of any room, which is 6 finishing.
 */
public final class SyncNotifier implements RoomEventListener {
  private final Map<String, Set<Waiter>> byRoom = new ConcurrentHashMap<>();
  private final Map<String, Set<Waiter>> byUser = new ConcurrentHashMap<>();
  private final Set<Waiter> lagging = ConcurrentHashMap.newKeySet();
  private final AtomicLong maxNotified = new AtomicLong();

  /**
   * Registers a long-poll of {@code userId} interested in {@code roomIds}, which has seen the event stream up to
   * {@code seenEventPosition}. The caller must {@link Waiter#cancel} it when it stops waiting.
   */
  public Waiter register(String userId, Collection<String> roomIds, long seenEventPosition) {
    Waiter waiter = new Waiter(userId, Set.copyOf(roomIds));
    add(byUser, userId, waiter);
    for (String roomId : waiter.roomIds) {
      add(byRoom, roomId, waiter);
    }
    if (maxNotified.get() > seenEventPosition) {
      lagging.add(waiter);
    }
    return waiter;
  }

  @Override
  public void onEventPersisted(Pdu event, long streamPosition, boolean local) {
    maxNotified.accumulateAndGet(streamPosition, Math::max);
    notifyRoom(event.roomId());
    if ("m.room.member".equals(event.type()) && event.stateKey() != null) {
      notifyUser(event.stateKey());
    }
    for (Waiter waiter : lagging) {
      waiter.wake();
    }
  }

  /** Something of the room's own streams changed (typing, receipts). */
  public void notifyRoom(String roomId) {
    wakeAll(byRoom.get(roomId));
  }

  /** Something of the user's own streams changed (account data, presence, a membership). */
  public void notifyUser(String userId) {
    wakeAll(byUser.get(userId));
  }

  /** How many long-polls are waiting (for tests and metrics). */
  public int waiting() {
    Set<Waiter> all = ConcurrentHashMap.newKeySet();
    byUser.values().forEach(all::addAll);
    return all.size();
  }

  private static void wakeAll(Set<Waiter> waiters) {
    if (waiters != null) {
      for (Waiter waiter : waiters) {
        waiter.wake();
      }
    }
  }

  private static void add(Map<String, Set<Waiter>> index, String key, Waiter waiter) {
    index.compute(key, (k, set) -> {
      Set<Waiter> waiters = set != null ? set : ConcurrentHashMap.newKeySet();
      waiters.add(waiter);
      return waiters;
    });
  }

  private static void remove(Map<String, Set<Waiter>> index, String key, Waiter waiter) {
    index.computeIfPresent(key, (k, set) -> {
      set.remove(waiter);
      return set.isEmpty() ? null : set;
    });
  }

  /** One registered long-poll: {@link #signal()} completes when it should compute again. */
  public final class Waiter {
    private final String userId;
    private final Set<String> roomIds;
    private final CompletableFuture<Void> signal = new CompletableFuture<>();

    private Waiter(String userId, Set<String> roomIds) {
      this.userId = userId;
      this.roomIds = roomIds;
    }

    /** Completes (once) when something the long-poll may return has happened. */
    public CompletableFuture<Void> signal() {
      return signal;
    }

    /** Unregisters; the signal never completes after this unless it already had. */
    public void cancel() {
      remove(byUser, userId, this);
      for (String roomId : roomIds) {
        remove(byRoom, roomId, this);
      }
      lagging.remove(this);
    }

    private void wake() {
      cancel();
      signal.complete(null);
    }
  }
}
