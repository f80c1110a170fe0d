package dev.larch.storage.room;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.StateKey;
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

/**
 * A {@link RoomStore} that keeps events by ID in a Caffeine cache: auth checks, state resolution and federation
 * read the same events again and again, and a stored event never changes. Everything else goes straight through.
 *
 * <p>Only hits are cached: an event missing now may be persisted later. Cached {@link StoredEvent}s are shared, so
 * callers must not modify their JSON or bytes (they must not anyway). Redaction is the one rewrite of a stored
 * event: {@link #replaceWithRedacted} invalidates the entry after the write.
 */
public final class CachingRoomStore implements RoomStore {
  private final RoomStore delegate;
  private final Cache<String, StoredEvent> events;

  /** Wraps {@code delegate}, keeping at most {@code maximumEvents} events. */
  public CachingRoomStore(RoomStore delegate, long maximumEvents) {
    this.delegate = delegate;
    this.events = Caffeine.newBuilder().maximumSize(maximumEvents).build();
  }

  @Override
  public PersistResult persist(PersistRequest request) {
    return delegate.persist(request);
  }

  @Override
  public Optional<StoredEvent> event(String eventId) {
    StoredEvent cached = events.getIfPresent(eventId);
    if (cached != null) {
      return Optional.of(cached);
    }
    Optional<StoredEvent> loaded = delegate.event(eventId);
    loaded.ifPresent(e -> events.put(eventId, e));
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
      for (StoredEvent event : delegate.events(missing)) {
        events.put(event.eventId(), event);
        found.put(event.eventId(), event);
      }
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

  @Override
  public Optional<RoomVersion> roomVersion(String roomId) {
    return delegate.roomVersion(roomId);
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
    try {
      return delegate.replaceWithRedacted(eventId, redactedEvent);
    } finally {
      events.invalidate(eventId);
    }
  }
}
