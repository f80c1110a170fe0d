package dev.larch.storage.room;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Collection;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * In-memory copies of what every local send reads before it builds an event: each room's forward extremities and
 * each event's state snapshot references. Without them a send into a busy room pays two read transactions before
 * its write transaction.
 *
 * <p>Why the copies are exact:
 *
 * <ul>
 *   <li><b>State references</b> ({@code outlier}, snapshot before, snapshot after) never change once an event is
 *       stored (redaction rewrites only the JSON). They are cached on read, and by {@link JdbcRoomStore} after the
 *       commit that stored them, never before: a rolled-back event must not appear. Misses are not cached.
 *   <li><b>Current snapshot</b> ({@code rooms.current_snapshot_id}) is written only by persist, which holds the
 *       room's writer lock from before its transaction until it has recorded the committed value here, so the next
 *       writer of the room reads what the database holds. A failed persist drops the room's entry.
 *   <li><b>Forward extremities</b> change only in persist. The persisting transaction records what it removed and
 *       added, and {@link #extremitiesChanged} applies that to the cached set after commit. A reader that loads the
 *       set concurrently does so inside Caffeine's per-key compute, and the writer's update for that key waits for
 *       it, then applies the change to whatever was loaded: loaded before the commit, the change is still to come;
 *       loaded after, applying it again is a no-op (its removals are gone, its addition present). Writers of one
 *       room are serialised by the caller ({@link dev.larch.core.room.RoomStore#persist}'s contract), so changes
 *       of one room are applied in commit order. A failed persist drops the room's entry.
 * </ul>
 */
final class RoomHeads {
  private final Cache<String, Set<String>> extremities;
  private final Cache<String, EventRows.StateRefs> refs;
  private final Cache<String, CurrentSnapshot> currentSnapshots;

  /** A room's {@code rooms.current_snapshot_id} as committed; a null ID is the empty state. */
  record CurrentSnapshot(Long id) {}

  RoomHeads(long maximumRooms, long maximumEvents) {
    // Upkeep on the calling thread, as in CachingRoomStore.
    this.extremities = Caffeine.newBuilder().maximumSize(maximumRooms).executor(Runnable::run).build();
    this.currentSnapshots = Caffeine.newBuilder().maximumSize(maximumRooms).executor(Runnable::run).build();
    this.refs = Caffeine.newBuilder().maximumSize(maximumEvents).executor(Runnable::run).build();
  }

  /** The room's forward extremities, loaded with {@code loader} when not held. */
  Set<String> extremities(String roomId, Function<String, Set<String>> loader) {
    return extremities.get(roomId, loader);
  }

  /** After a commit: {@code removed} (the written events' prev events) stopped being extremities; {@code added} are. */
  void extremitiesChanged(String roomId, Collection<String> removed, Collection<String> added) {
    extremities.asMap().computeIfPresent(roomId, (id, old) -> {
      Set<String> updated = new HashSet<>(old);
      updated.removeAll(removed);
      updated.addAll(added);
      return Set.copyOf(updated);
    });
  }

  /** Forgets the room's extremities and current snapshot (after a failed persist, whose effect is unknown here). */
  void forgetRoom(String roomId) {
    extremities.invalidate(roomId);
    currentSnapshots.invalidate(roomId);
  }

  /** The room's committed current snapshot, if held; read with the room's writer lock held. */
  Optional<CurrentSnapshot> currentSnapshot(String roomId) {
    return Optional.ofNullable(currentSnapshots.getIfPresent(roomId));
  }

  /** After a commit, with the room's writer lock still held: the room's current snapshot is now {@code id}. */
  void currentSnapshotCommitted(String roomId, Long id) {
    currentSnapshots.put(roomId, new CurrentSnapshot(id));
  }

  /**
   * Forgets every copy, so an idle node gives their heap back; each is loaded again when next read. Safe at any time:
   * an empty cache is where a started node begins, and every update above tolerates an entry that vanished.
   */
  void dropAll() {
    extremities.invalidateAll();
    currentSnapshots.invalidateAll();
    refs.invalidateAll();
  }

  /** The cached state references of a stored event, if held. */
  Optional<EventRows.StateRefs> refs(String eventId) {
    return Optional.ofNullable(refs.getIfPresent(eventId));
  }

  /** Records the state references of a committed event. */
  void putRefs(String eventId, EventRows.StateRefs stateRefs) {
    refs.put(eventId, stateRefs);
  }
}
