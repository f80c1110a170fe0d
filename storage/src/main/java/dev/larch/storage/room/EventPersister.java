package dev.larch.storage.room;

import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.CurrentStateUpdate;
import dev.larch.core.room.EventStatus;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.PersistResult;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StateBefore;
import dev.larch.core.room.TxnKey;
import dev.larch.storage.jdbc.StreamTracker;
import dev.larch.storage.jdbc.Tx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The write half of {@link JdbcRoomStore}: {@code persist} and {@code persistAll}, each one transaction under the
 * room's writer lock, so writers of one room queue up while other rooms proceed. See storage/README.md for the
 * tables and the snapshot scheme.
 *
 * <p>The writer lock is in this process, not a database row lock ({@code SELECT ... FOR UPDATE}): one process owns
 * the database anyway (stream positions are handed out in memory, see {@link StreamTracker}), and on H2 a row lock
 * is a write to the {@code rooms} table that every commit then has to store, about a tenth of a message's persist.
 * The lock is held from before the transaction until the caches are updated after its commit.
 *
 * <p>A batch is written in one transaction and so costs one commit: on H2 the commit (writing the changed pages)
 * is most of a message's persist, so concurrent sends into one room go from one commit each to one per batch.
 * What a transaction did to {@link RoomHeads} is collected while it runs and applied only after it committed, since
 * the work may be retried or rolled back.
 */
final class EventPersister {
  // rooms.current_snapshot_id after a caller-resolved current state, which has no snapshot (see V001).
  private static final long RESOLVED_CURRENT_STATE = -1;

  // Rooms share a writer lock only on a hash collision; a few hundred locks cost nothing.
  private static final int WRITER_LOCK_STRIPES = 256;

  private final Tx tx;
  private final StreamTracker positions;
  private final StateSnapshots snapshots;
  private final RoomStateWriter writer;
  private final RoomHeads heads;
  private final ReentrantLock[] writerLocks = new ReentrantLock[WRITER_LOCK_STRIPES];
  // Backfilled history takes positions below the lowest stored one: one such write at a time, across rooms.
  private final ReentrantLock historyLock = new ReentrantLock();

  EventPersister(Tx tx, StreamTracker positions, StateSnapshots snapshots, RoomStateWriter writer, RoomHeads heads) {
    this.tx = tx;
    this.positions = positions;
    this.snapshots = snapshots;
    this.writer = writer;
    this.heads = heads;
    for (int i = 0; i < writerLocks.length; i++) {
      writerLocks[i] = new ReentrantLock();
    }
  }

  /**
   * What one write did, collected while its transaction runs and applied to {@link RoomHeads} only after it
   * committed: each written event's state references (also read by later events of the batch, which the cache does
   * not have yet) and the net change to the forward extremities, which are written once per write, not per event.
   */
  private static final class Written {
    final Map<String, EventRows.StateRefs> refs = new LinkedHashMap<>();
    final Set<String> unextremities = new LinkedHashSet<>(); // prev events of accepted events
    final List<PersistRequest> candidates = new ArrayList<>(); // accepted events, in write order
    List<String> addedExtremities = List.of();
    Long currentSnapshot; // rooms.current_snapshot_id once the write is done

    void clear() {
      refs.clear();
      unextremities.clear();
      candidates.clear();
      addedExtremities = List.of();
    }
  }

  /** See {@link dev.larch.core.room.RoomStore#persist}. */
  PersistResult persist(PersistRequest request) {
    return write(List.of(request), false, false).orElseThrow().get(0);
  }

  /** See {@link dev.larch.core.room.RoomStore#persistHistory}. */
  List<PersistResult> persistHistory(List<PersistRequest> requests) {
    if (requests.isEmpty()) {
      return List.of();
    }
    oneRoom(requests);
    historyLock.lock();
    try {
      return write(requests, false, true).orElseThrow();
    } finally {
      historyLock.unlock();
    }
  }

  /** See {@link dev.larch.core.room.RoomStore#persistAll}. */
  Optional<List<PersistResult>> persistAll(List<PersistRequest> requests) {
    if (requests.isEmpty()) {
      return Optional.of(List.of());
    }
    oneRoom(requests);
    return write(requests, true, false);
  }

  private static void oneRoom(List<PersistRequest> requests) {
    String roomId = requests.get(0).event().roomId();
    for (PersistRequest request : requests) {
      if (!Objects.equals(roomId, request.event().roomId())) {
        throw new IllegalArgumentException("persistAll takes the events of one room");
      }
    }
  }

  /** See {@link dev.larch.core.room.RoomStore#persistOutOfBandMembership}. */
  PersistResult persistOutOfBand(Pdu event) {
    String roomId = Objects.requireNonNull(event.roomId(), "event has no room ID");
    String userId = Objects.requireNonNull(event.stateKey(), "membership event has no state_key");
    String membership = Objects.requireNonNull(event.membership(), "membership event has no membership");
    byte[] json = event.canonicalJson();
    List<Long> allocated = new ArrayList<>(1);
    ReentrantLock writerLock = writerLocks[Math.floorMod(roomId.hashCode(), WRITER_LOCK_STRIPES)];
    writerLock.lock();
    try {
      return tx.inTransaction(c -> {
        roomRow(c, roomId, event.roomVersion());
        Optional<Long> stored = EventRows.streamPosition(c, event.eventId());
        if (stored.isPresent()) {
          return new PersistResult(event.eventId(), stored.get(), true);
        }
        // The event stays an outlier; only the membership row gets a stream position, for /sync to notice it.
        long position = positions.allocate();
        allocated.add(position);
        if (!EventRows.insert(c, event, json, EventStatus.OUTLIER, 0, null, null, null)) {
          throw new IllegalStateException("event stored by another writer: " + event.eventId());
        }
        writer.setMembership(c, roomId, userId, membership, event.eventId(), position);
        return new PersistResult(event.eventId(), position, false);
      });
    } finally {
      allocated.forEach(positions::finish);
      writerLock.unlock();
    }
  }

  private Optional<List<PersistResult>> write(List<PersistRequest> requests, boolean allOrNothing,
      boolean history) {
    String roomId = Objects.requireNonNull(requests.get(0).event().roomId(), "event has no room ID");
    // Encoded once, outside the transaction: a retry must not pay for it again.
    List<byte[]> json = new ArrayList<>(requests.size());
    for (PersistRequest request : requests) {
      Pdu event = request.event();
      json.add(event.canonicalJson());
    }
    List<Long> allocated = new ArrayList<>(requests.size());
    Written written = new Written();
    boolean cachesValid = false; // false: the write failed, and what it left in the database is unknown here
    ReentrantLock writerLock = writerLocks[Math.floorMod(roomId.hashCode(), WRITER_LOCK_STRIPES)];
    writerLock.lock();
    try {
      Optional<List<PersistResult>> results;
      try {
        results = tx.inTransaction(c -> {
          written.clear();
          return writeIn(c, roomId, requests, json, allocated, written, allOrNothing, history);
        });
      } catch (TxnAlreadyUsed e) {
        if (!allOrNothing) {
          throw new IllegalStateException("a client transaction ID was written twice in one persist", e);
        }
        cachesValid = true; // rolled back: nothing was written
        return Optional.empty();
      }
      cachesValid = true;
      heads.currentSnapshotCommitted(roomId, written.currentSnapshot);
      written.refs.forEach(heads::putRefs);
      if (!written.candidates.isEmpty()) {
        heads.extremitiesChanged(roomId, written.unextremities, written.addedExtremities);
      }
      return results;
    } finally {
      if (!cachesValid) {
        heads.forgetRoom(roomId);
      }
      // After commit (or final failure): only now may the stream token pass these positions.
      allocated.forEach(positions::finish);
      writerLock.unlock();
    }
  }

  private Optional<List<PersistResult>> writeIn(Connection c, String roomId, List<PersistRequest> requests,
      List<byte[]> json, List<Long> allocated, Written written, boolean allOrNothing, boolean history)
      throws SQLException {
    Optional<RoomHeads.CurrentSnapshot> cached = heads.currentSnapshot(roomId);
    Long currentSnapshot = cached.isPresent()
        ? cached.get().id()
        : roomRow(c, roomId, requests.get(0).event().roomVersion()).currentSnapshot();
    written.currentSnapshot = currentSnapshot;
    Set<String> upgrades = new HashSet<>(); // stored outliers that this write gives their state
    if (allOrNothing && anyStored(c, requests, upgrades)) {
      return Optional.empty();
    }
    List<PersistResult> results = new ArrayList<>(requests.size());
    long[] position = new long[1];
    // History: consecutive positions ending just below the lowest stored one, in the order given (oldest first).
    long[] nextHistory = history ? new long[] {lowestPosition(c) - requests.size()} : null;
    for (int i = 0; i < requests.size(); i++) {
      PersistRequest request = requests.get(i);
      if (!allOrNothing) {
        Optional<PersistResult> stored = alreadyStored(c, request, upgrades, true);
        if (stored.isPresent()) {
          results.add(stored.get());
          continue;
        }
      }
      // Each write returns the room's current snapshot after it, which the next event of the batch starts from.
      currentSnapshot = writeOne(c, request, json.get(i), currentSnapshot, allocated, written, position,
          upgrades.contains(request.event().eventId()), nextHistory);
      written.currentSnapshot = currentSnapshot;
      results.add(new PersistResult(request.event().eventId(), position[0], false));
    }
    if (!written.candidates.isEmpty()) {
      // An event written here was no extremity before (new, or an outlier until now): no row of it to delete.
      List<String> stale = written.unextremities.stream().filter(id -> !written.refs.containsKey(id)).toList();
      written.addedExtremities = writer.updateForwardExtremities(c, roomId, stale, newExtremities(written));
    }
    return Optional.of(results);
  }

  // Writes one new event, or gives a stored outlier its state (upgrade: the row and its edges exist); returns
  // rooms.current_snapshot_id after it and sets position[0] to its stream position.
  private Long writeOne(Connection c, PersistRequest request, byte[] json, Long currentSnapshot,
      List<Long> allocated, Written written, long[] positionOut, boolean upgrade, long[] nextHistory)
      throws SQLException {
    Pdu event = request.event();
    String roomId = event.roomId();
    Long before = null;
    Long after = null;
    Map<StateKey, String> ownChange = Map.of();
    if (!request.status().outlier()) {
      before = snapshotBefore(c, roomId, request.stateBefore(), written);
      Optional<StateKey> slot = event.stateSlot();
      if (slot.isPresent() && !request.status().rejected()) {
        after = snapshots.withEntry(c, roomId, before, slot.get(), event.eventId());
        ownChange = Map.of(slot.get(), event.eventId());
      } else {
        after = before;
      }
    }
    long position = 0;
    if (!request.status().outlier() && nextHistory != null) {
      position = nextHistory[0]++;
    } else if (!request.status().outlier()) {
      position = positions.allocate();
      allocated.add(position);
    }
    if (upgrade) {
      EventRows.upgradeOutlier(c, event.eventId(), request.status(), position, before, after);
    } else if (!EventRows.insert(
        c, event, json, request.status(), position, before, after, request.txn().orElse(null))) {
      // The event ID was looked up (or is new), so the client transaction ID is what is taken.
      if (request.txn().isPresent() && ClientTransactionRows.eventId(c, request.txn().get()).isPresent()) {
        throw new TxnAlreadyUsed();
      }
      throw new IllegalStateException("event stored by another writer: " + event.eventId());
    }
    if (request.status().visibleToClients()) {
      written.unextremities.addAll(event.prevEventIds());
      written.candidates.add(request);
    }
    Long newCurrent =
        updateCurrentState(c, roomId, currentSnapshot, request.currentState(), before, after, ownChange);
    written.refs.put(event.eventId(), new EventRows.StateRefs(request.status().outlier(), before, after));
    positionOut[0] = position;
    return newCurrent;
  }

  private Long snapshotBefore(Connection c, String roomId, StateBefore stateBefore, Written written)
      throws SQLException {
    if (stateBefore instanceof StateBefore.AfterEvent afterEvent) {
      return stateRefs(c, afterEvent.eventId(), written)
          .filter(r -> !r.outlier())
          .orElseThrow(() -> new IllegalArgumentException(
              "state before refers to an event stored without state: " + afterEvent.eventId()))
          .after();
    }
    if (stateBefore instanceof StateBefore.Resolved resolved) {
      Long base = null;
      if (resolved.baseEventId() != null) {
        base = stateRefs(c, resolved.baseEventId(), written)
            .filter(r -> !r.outlier())
            .map(EventRows.StateRefs::after)
            .orElse(null);
      }
      return snapshots.forState(c, roomId, base, resolved.state());
    }
    return null;
  }

  // An event written earlier in this batch: as written. Committed events' references come from the cache; a cached
  // outlier from the database, since this batch may have upgraded it.
  private Optional<EventRows.StateRefs> stateRefs(Connection c, String eventId, Written written)
      throws SQLException {
    EventRows.StateRefs inBatch = written.refs.get(eventId);
    if (inBatch != null) {
      return Optional.of(inBatch);
    }
    Optional<EventRows.StateRefs> cached = heads.refs(eventId);
    return cached.isPresent() && !cached.get().outlier() ? cached : EventRows.stateRefs(c, eventId);
  }

  // Returns rooms.current_snapshot_id after the update.
  private Long updateCurrentState(
      Connection c,
      String roomId,
      Long currentSnapshot,
      CurrentStateUpdate update,
      Long before,
      Long after,
      Map<StateKey, String> ownChange)
      throws SQLException {
    Map<StateKey, String> delta;
    Long newSnapshot;
    if (update instanceof CurrentStateUpdate.ToStateAfterEvent) {
      if (Objects.equals(currentSnapshot, before)) {
        // Fast path: current state was the state before the event, so only the event's own change applies.
        delta = ownChange;
      } else {
        delta = StateSnapshots.diff(RoomStateWriter.currentState(c, roomId), snapshots.load(c, after));
      }
      newSnapshot = after;
    } else if (update instanceof CurrentStateUpdate.To to) {
      delta = StateSnapshots.diff(RoomStateWriter.currentState(c, roomId), to.state());
      newSnapshot = RESOLVED_CURRENT_STATE;
    } else {
      return currentSnapshot;
    }
    writer.applyToCurrentState(c, roomId, delta);
    if (!Objects.equals(newSnapshot, currentSnapshot)) {
      try (PreparedStatement ps = c.prepareStatement("UPDATE rooms SET current_snapshot_id = ? WHERE room_id = ?")) {
        EventRows.setLongOrNull(ps, 1, newSnapshot);
        ps.setString(2, roomId);
        ps.executeUpdate();
      }
    }
    return newSnapshot;
  }

  // persist's idempotence: an event ID or client transaction ID that is already stored writes nothing. Except an
  // outlier (stored for an auth chain or a state gap) now persisted with its state: it is not stored as such, and
  // its ID goes into upgrades, so that the write turns it into a timeline event as Synapse does.
  private static Optional<PersistResult> alreadyStored(Connection c, PersistRequest request, Set<String> upgrades,
      boolean lookUpTxn) throws SQLException {
    if (lookUpTxn && request.txn().isPresent()) {
      Optional<String> earlier = ClientTransactionRows.eventId(c, request.txn().get());
      if (earlier.isPresent()) {
        return Optional.of(
            new PersistResult(earlier.get(), EventRows.streamPosition(c, earlier.get()).orElse(0L), true));
      }
    }
    if (request.freshlyBuilt()) {
      return Optional.empty();
    }
    Optional<Long> stored = EventRows.streamPosition(c, request.event().eventId());
    // Position 0 is an outlier's (the only events without one); the second read happens for those alone.
    if (stored.isPresent() && stored.get() == 0 && !request.status().outlier()
        && EventRows.stateRefs(c, request.event().eventId()).map(EventRows.StateRefs::outlier).orElse(false)) {
      upgrades.add(request.event().eventId());
      return Optional.empty();
    }
    return stored.map(position -> new PersistResult(request.event().eventId(), position, true));
  }

  // For persistAll: is any event ID of the batch already stored, or an event or transaction ID used twice within it?
  // A transaction ID used by an earlier write is found by its insert instead (TxnAlreadyUsed rolls the write back),
  // which saves a lookup per event.
  private static boolean anyStored(Connection c, List<PersistRequest> requests, Set<String> upgrades)
      throws SQLException {
    Set<String> eventIds = new HashSet<>();
    Set<TxnKey> txns = new HashSet<>();
    for (PersistRequest request : requests) {
      if (!eventIds.add(request.event().eventId())
          || (request.txn().isPresent() && !txns.add(request.txn().get()))
          || alreadyStored(c, request, upgrades, false).isPresent()) {
        return true;
      }
    }
    return false;
  }

  // The accepted events of this write that no later one names as a prev event, with whether each may already have
  // a stored child (a freshly built event cannot: nothing has seen its ID yet).
  private static Map<String, Boolean> newExtremities(Written written) {
    Map<String, Boolean> candidates = new LinkedHashMap<>();
    for (PersistRequest request : written.candidates) {
      String eventId = request.event().eventId();
      if (!written.unextremities.contains(eventId)) {
        candidates.put(eventId, !request.freshlyBuilt());
      }
    }
    return candidates;
  }

  // The lowest stream position stored, or 0 if none is below 0: history goes below it.
  private static long lowestPosition(Connection c) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT MIN(stream_ordering) FROM events");
        ResultSet rs = ps.executeQuery()) {
      return rs.next() ? Math.min(0, rs.getLong(1)) : 0;
    }
  }

  /** A client transaction ID of a persistAll batch was already stored: the batch is rolled back and refused. */
  private static final class TxnAlreadyUsed extends RuntimeException {
    TxnAlreadyUsed() {
      super("client transaction ID already used", null, false, false);
    }
  }

  /** The row of a room: its current snapshot (null for the empty state of a new room). */
  private record RoomRow(Long currentSnapshot) {}

  /** The room's row, created if needed. */
  private static RoomRow roomRow(Connection c, String roomId, RoomVersion version) throws SQLException {
    // Looking up first: the room almost always exists, and an INSERT that conflicts costs more than a lookup.
    Optional<RoomRow> existing = readRow(c, roomId);
    if (existing.isPresent()) {
      return existing.get();
    }
    try (PreparedStatement ps =
        c.prepareStatement("INSERT INTO rooms (room_id, room_version) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
      ps.setString(1, roomId);
      ps.setString(2, version.identifier());
      ps.executeUpdate();
    }
    return readRow(c, roomId).orElseThrow(() -> new IllegalStateException("room row missing after insert"));
  }

  private static Optional<RoomRow> readRow(Connection c, String roomId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement("SELECT current_snapshot_id FROM rooms WHERE room_id = ?")) {
      ps.setString(1, roomId);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(new RoomRow(EventRows.longOrNull(rs, 1))) : Optional.empty();
      }
    }
  }
}
