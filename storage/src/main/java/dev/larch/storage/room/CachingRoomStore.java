package dev.larch.storage.room;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.json.ReceivedJson;
import dev.larch.core.room.Direction;
import dev.larch.core.room.Membership;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.PersistResult;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.room.TopologicalPosition;
import dev.larch.core.room.TxnKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link RoomStore} that keeps events by ID in a Caffeine cache: auth checks, state resolution and federation
 * read the same events again and again, and a stored event never changes. Room versions are cached too (they never
 * change). Everything else goes straight through; {@link JdbcRoomStore} keeps its own copies of each room's head.
 *
 * <p>Only hits are cached: an event missing now may be persisted later. Cached {@link StoredEvent}s are shared, so
 * callers must not modify their JSON or bytes (they must not anyway). Redaction is the one rewrite of a stored
 * event: {@link #replaceWithRedacted} invalidates the entry after the write, and a load or persist that overlapped
 * a redaction drops what it cached. A freshly persisted event is cached at once: it is the next send's prev event.
 */
public final class CachingRoomStore implements RoomStore {
  private static final long CACHED_ROOM_VERSIONS = 10_000;
  // From the live heap after a load run (class histograms): 10,000 cached messages of ~0.9 KB canonical JSON held
  // ~40 MB (live fell from ~82 to ~50 MB when they became a 12 MB budget), i.e. about 4 heap bytes a JSON byte.
  private static final int HEAP_BYTES_PER_JSON_BYTE = 4;

  // Every cache of the send path does its upkeep (evictions) on the calling thread: Caffeine's default hands it to
  // the common pool, which cost a thread wake-up per write, ~3 % of a send's CPU on the request thread.
  private final RoomStore delegate;
  private final Cache<String, StoredEvent> events;
  private final AtomicLong redactions = new AtomicLong();
  private final Cache<String, RoomVersion> versions =
      Caffeine.newBuilder().maximumSize(CACHED_ROOM_VERSIONS).executor(Runnable::run).build();

  /** Wraps {@code delegate}, keeping at most {@code maximumEvents} events. */
  public CachingRoomStore(RoomStore delegate, long maximumEvents) {
    this.delegate = delegate;
    this.events = Caffeine.newBuilder().maximumSize(maximumEvents).executor(Runnable::run).build();
  }

  private CachingRoomStore(RoomStore delegate, Cache<String, StoredEvent> events) {
    this.delegate = delegate;
    this.events = events;
  }

  /**
   * Wraps {@code delegate}, keeping events up to about {@code maximumBytes} of heap: an event's parsed JSON tree
   * and its canonical bytes take about {@value #HEAP_BYTES_PER_JSON_BYTE} times its canonical size.
   */
  public static CachingRoomStore withHeapBudget(RoomStore delegate, long maximumBytes) {
    return new CachingRoomStore(delegate, Caffeine.newBuilder().maximumWeight(maximumBytes)
        .<String, StoredEvent>weigher((id, event) -> heapBytes(event)).executor(Runnable::run).build());
  }

  /** What one event counts for against the heap budget of {@link #withHeapBudget}. */
  public static int heapBytes(StoredEvent event) {
    long estimate = (long) event.canonicalJson().length * HEAP_BYTES_PER_JSON_BYTE + 256;
    return (int) Math.min(Integer.MAX_VALUE, estimate);
  }

  @Override
  public PersistResult persist(PersistRequest request) {
    long generation = redactions.get();
    PersistResult result = delegate.persist(request);
    remember(request, result);
    dropIfRedactedSince(generation, List.of(request.event().eventId()));
    return result;
  }

  @Override
  public Optional<List<PersistResult>> persistAll(List<PersistRequest> requests) {
    long generation = redactions.get();
    Optional<List<PersistResult>> results = delegate.persistAll(requests);
    results.ifPresent(list -> {
      for (int i = 0; i < list.size(); i++) {
        remember(requests.get(i), list.get(i));
      }
      dropIfRedactedSince(generation, requests.stream().map(r -> r.event().eventId()).toList());
    });
    return results;
  }

  @Override
  public List<PersistResult> persistHistory(List<PersistRequest> requests) {
    long generation = redactions.get();
    List<PersistResult> results = delegate.persistHistory(requests);
    for (int i = 0; i < results.size(); i++) {
      remember(requests.get(i), results.get(i));
    }
    dropIfRedactedSince(generation, requests.stream().map(r -> r.event().eventId()).toList());
    return results;
  }

  // An entry put by a load or persist that overlapped a redaction may hold the unredacted form, put after the
  // redaction's invalidation: drop what this call put if any redaction started since it began (redactions are
  // rare, so this almost never drops anything).
  private void dropIfRedactedSince(long generation, Collection<String> eventIds) {
    if (redactions.get() != generation) {
      events.invalidateAll(eventIds);
    }
  }

  // A freshly committed event is the next send's prev event: cache it as a read would have loaded it (parsed from
  // its canonical bytes, so readers see exactly what the database would give them).
  private void remember(PersistRequest request, PersistResult result) {
    if (result.alreadyStored()) {
      return;
    }
    Pdu event = request.event();
    byte[] json = event.canonicalJson();
    Pdu stored = new Pdu(event.roomVersion(), ReceivedJson.parseObject(json), event.eventId());
    events.put(event.eventId(),
        new StoredEvent(stored, json, result.streamPosition(), event.depth(), request.status()));
  }

  @Override
  public PersistResult persistOutOfBandMembership(Pdu event) {
    return delegate.persistOutOfBandMembership(event);
  }

  @Override
  public Optional<StoredEvent> event(String eventId) {
    StoredEvent cached = events.getIfPresent(eventId);
    if (cached != null) {
      return Optional.of(cached);
    }
    long generation = redactions.get();
    Optional<StoredEvent> loaded = delegate.event(eventId);
    loaded.ifPresent(e -> events.put(eventId, e));
    dropIfRedactedSince(generation, List.of(eventId));
    return loaded;
  }

  @Override
  public List<StoredEvent> events(Collection<String> eventIds) {
    Map<String, StoredEvent> found = new LinkedHashMap<>(events.getAllPresent(eventIds));
    List<String> missing = new ArrayList<>();
    for (String id : eventIds) {
      if (!found.containsKey(id)) {
        missing.add(id);
      }
    }
    if (!missing.isEmpty()) {
      long generation = redactions.get();
      for (StoredEvent event : delegate.events(missing)) {
        events.put(event.eventId(), event);
        found.put(event.eventId(), event);
      }
      dropIfRedactedSince(generation, missing);
    }
    List<StoredEvent> ordered = new ArrayList<>(found.size());
    for (String id : eventIds) {
      StoredEvent event = found.remove(id);
      if (event != null) {
        ordered.add(event);
      }
    }
    return ordered;
  }

  /** Cache statistics for the status page: how many events are held now. */
  public long cachedEvents() {
    return events.estimatedSize();
  }

  /**
   * Forgets every cached event, so an idle node gives their heap back; reads load them again. Safe at any time:
   * only hits are cached, so an entry put by a read that overlaps this is as correct as any other.
   */
  public void dropCachedEvents() {
    events.invalidateAll();
  }

  /** Runs the cache's pending evictions now (they otherwise run a little later, on another thread). */
  public void cleanUp() {
    events.cleanUp();
  }

  @Override
  public Optional<RoomVersion> roomVersion(String roomId) {
    // A room's version never changes once its row exists; an unknown room is asked again next time.
    RoomVersion cached = versions.getIfPresent(roomId);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<RoomVersion> loaded = delegate.roomVersion(roomId);
    loaded.ifPresent(v -> versions.put(roomId, v));
    return loaded;
  }

  @Override
  public Optional<Map<StateKey, String>> stateBefore(String eventId) {
    return delegate.stateBefore(eventId);
  }

  @Override
  public Optional<Map<StateKey, String>> stateAfter(String eventId) {
    return delegate.stateAfter(eventId);
  }

  @Override
  public Map<StateKey, String> currentState(String roomId) {
    return delegate.currentState(roomId);
  }

  @Override
  public Optional<String> currentStateEventId(String roomId, StateKey key) {
    return delegate.currentStateEventId(roomId, key);
  }

  @Override
  public Set<String> forwardExtremities(String roomId) {
    return delegate.forwardExtremities(roomId);
  }

  @Override
  public List<Membership> membershipsOf(String userId) {
    return delegate.membershipsOf(userId);
  }

  @Override
  public List<Membership> members(String roomId) {
    return delegate.members(roomId);
  }

  @Override
  public List<StoredEvent> eventsInStreamRange(
      String roomId, long fromExclusive, long toInclusive, int limit, Direction direction) {
    return delegate.eventsInStreamRange(roomId, fromExclusive, toInclusive, limit, direction);
  }

  @Override
  public List<StoredEvent> eventsBefore(String roomId, TopologicalPosition from, int limit) {
    return delegate.eventsBefore(roomId, from, limit);
  }

  @Override
  public List<StoredEvent> eventsAfter(String roomId, TopologicalPosition from, int limit) {
    return delegate.eventsAfter(roomId, from, limit);
  }

  @Override
  public long latestStreamPosition() {
    return delegate.latestStreamPosition();
  }

  @Override
  public Optional<String> eventIdForTransaction(TxnKey txn) {
    return delegate.eventIdForTransaction(txn);
  }

  @Override
  public Map<String, String> transactionIds(Collection<String> eventIds, String userId, String deviceId) {
    return delegate.transactionIds(eventIds, userId, deviceId);
  }

  @Override
  public boolean replaceWithRedacted(String eventId, ObjectNode redactedEvent) {
    // Before the write: a load or persist running now may put the old form after our invalidation below, and
    // notices this change (dropIfRedactedSince).
    redactions.incrementAndGet();
    try {
      return delegate.replaceWithRedacted(eventId, redactedEvent);
    } finally {
      events.invalidate(eventId);
    }
  }
}
