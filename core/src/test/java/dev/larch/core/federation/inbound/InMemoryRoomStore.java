package dev.larch.core.federation.inbound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.json.CanonicalJson;
import dev.larch.core.room.CurrentStateUpdate;
import dev.larch.core.room.Direction;
import dev.larch.core.room.EventStatus;
import dev.larch.core.room.Membership;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.PersistResult;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StateBefore;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.room.TopologicalPosition;
import dev.larch.core.room.TxnKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * A {@link RoomStore} in memory with the JDBC store's semantics for what the federation pipeline uses: events in
 * any status, state before and after each non-outlier event, forward extremities (an accepted event replaces its
 * prev events and becomes one unless an accepted event already names it), current state and memberships, one
 * stream position per non-outlier event, all-or-nothing {@link #persistAll}. Topological pagination and client
 * transaction lookups are not needed by these tests and are left unsupported.
 */
public final class InMemoryRoomStore implements RoomStore {
  private record Row(StoredEvent stored, Map<StateKey, String> before, Map<StateKey, String> after) {}

  private final Map<String, Row> events = new HashMap<>();
  private final Map<String, RoomVersion> versions = new HashMap<>();
  private final Map<String, Set<String>> extremities = new HashMap<>();
  private final Map<String, Map<StateKey, String>> current = new HashMap<>();
  // prev event -> accepted events that name it
  private final Map<String, Set<String>> acceptedChildren = new HashMap<>();
  private final List<List<String>> commits = new ArrayList<>();
  private long stream;

  /** The event IDs written by each persist or persistAll call, in order: one entry per transaction. */
  public synchronized List<List<String>> commits() {
    return List.copyOf(commits);
  }

  @Override
  public synchronized PersistResult persist(PersistRequest request) {
    Row existing = events.get(request.event().eventId());
    if (existing != null) {
      return new PersistResult(request.event().eventId(), existing.stored().streamPosition(), true);
    }
    PersistResult result = write(request);
    commits.add(List.of(request.event().eventId()));
    return result;
  }

  @Override
  public synchronized Optional<List<PersistResult>> persistAll(List<PersistRequest> requests) {
    Set<String> ids = new HashSet<>();
    for (PersistRequest request : requests) {
      if (!ids.add(request.event().eventId()) || events.containsKey(request.event().eventId())) {
        return Optional.empty();
      }
    }
    List<PersistResult> results = new ArrayList<>();
    for (PersistRequest request : requests) {
      results.add(write(request));
    }
    commits.add(requests.stream().map(r -> r.event().eventId()).toList());
    return Optional.of(results);
  }

  private PersistResult write(PersistRequest request) {
    Pdu event = request.event();
    String roomId = event.roomId();
    versions.putIfAbsent(roomId, event.roomVersion());
    EventStatus status = request.status();
    Map<StateKey, String> before = null;
    Map<StateKey, String> after = null;
    if (!status.outlier()) {
      if (request.stateBefore() instanceof StateBefore.AfterEvent afterEvent) {
        Row prev = events.get(afterEvent.eventId());
        if (prev == null || prev.after() == null) {
          throw new IllegalArgumentException("state before refers to an event without state: "
              + afterEvent.eventId());
        }
        before = prev.after();
      } else if (request.stateBefore() instanceof StateBefore.Resolved resolved) {
        before = Map.copyOf(resolved.state());
      } else {
        before = Map.of();
      }
      after = before;
      if (event.isState() && !status.rejected()) {
        Map<StateKey, String> changed = new HashMap<>(before);
        changed.put(event.stateSlot().orElseThrow(), event.eventId());
        after = Map.copyOf(changed);
      }
    }
    long position = status.outlier() ? 0 : ++stream;
    byte[] json = CanonicalJson.forRoomVersion(event.roomVersion()).encode(event.json());
    events.put(event.eventId(), new Row(new StoredEvent(event, json, position, event.depth(), status), before, after));
    if (status.visibleToClients()) {
      Set<String> ext = extremities.computeIfAbsent(roomId, r -> new LinkedHashSet<>());
      event.prevEventIds().forEach(ext::remove);
      for (String prev : event.prevEventIds()) {
        acceptedChildren.computeIfAbsent(prev, p -> new HashSet<>()).add(event.eventId());
      }
      if (!acceptedChildren.containsKey(event.eventId())) {
        ext.add(event.eventId());
      }
    }
    if (request.currentState() instanceof CurrentStateUpdate.ToStateAfterEvent) {
      current.put(roomId, after);
    } else if (request.currentState() instanceof CurrentStateUpdate.To to) {
      current.put(roomId, Map.copyOf(to.state()));
    }
    return new PersistResult(event.eventId(), position, false);
  }

  @Override
  public synchronized Optional<RoomVersion> roomVersion(String roomId) {
    return Optional.ofNullable(versions.get(roomId));
  }

  @Override
  public synchronized Optional<StoredEvent> event(String eventId) {
    return Optional.ofNullable(events.get(eventId)).map(Row::stored);
  }

  @Override
  public synchronized List<StoredEvent> events(Collection<String> eventIds) {
    List<StoredEvent> found = new ArrayList<>();
    for (String id : eventIds) {
      event(id).ifPresent(found::add);
    }
    return found;
  }

  @Override
  public synchronized Optional<Map<StateKey, String>> stateBefore(String eventId) {
    return Optional.ofNullable(events.get(eventId)).map(Row::before);
  }

  @Override
  public synchronized Optional<Map<StateKey, String>> stateAfter(String eventId) {
    return Optional.ofNullable(events.get(eventId)).map(Row::after);
  }

  @Override
  public synchronized Map<StateKey, String> currentState(String roomId) {
    return current.getOrDefault(roomId, Map.of());
  }

  @Override
  public synchronized Optional<String> currentStateEventId(String roomId, StateKey key) {
    return Optional.ofNullable(currentState(roomId).get(key));
  }

  @Override
  public synchronized Set<String> forwardExtremities(String roomId) {
    return Set.copyOf(extremities.getOrDefault(roomId, Set.of()));
  }

  @Override
  public synchronized List<Membership> membershipsOf(String userId) {
    List<Membership> found = new ArrayList<>();
    for (String roomId : current.keySet()) {
      members(roomId).stream().filter(m -> m.userId().equals(userId)).forEach(found::add);
    }
    return found;
  }

  @Override
  public synchronized List<Membership> members(String roomId) {
    List<Membership> members = new ArrayList<>();
    currentState(roomId).forEach((slot, eventId) -> {
      if (slot.type().equals("m.room.member")) {
        StoredEvent e = events.get(eventId).stored();
        members.add(new Membership(roomId, slot.stateKey(), e.pdu().membership(), eventId, e.streamPosition()));
      }
    });
    return members;
  }

  @Override
  public synchronized List<StoredEvent> eventsInStreamRange(
      String roomId, long fromExclusive, long toInclusive, int limit, Direction direction) {
    Comparator<StoredEvent> order = Comparator.comparingLong(StoredEvent::streamPosition);
    return events.values().stream()
        .map(Row::stored)
        .filter(e -> roomId.equals(e.pdu().roomId()) && e.status().visibleToClients())
        .filter(e -> e.streamPosition() > fromExclusive && e.streamPosition() <= toInclusive)
        .sorted(direction == Direction.FORWARDS ? order : order.reversed())
        .limit(limit)
        .toList();
  }

  /** Every client-visible event of the room, in stream order. */
  public List<StoredEvent> timeline(String roomId) {
    return eventsInStreamRange(roomId, 0, Long.MAX_VALUE, Integer.MAX_VALUE, Direction.FORWARDS);
  }

  @Override
  public List<StoredEvent> eventsBefore(String roomId, TopologicalPosition from, int limit) {
    throw new UnsupportedOperationException("not needed by the federation tests");
  }

  @Override
  public List<StoredEvent> eventsAfter(String roomId, TopologicalPosition from, int limit) {
    throw new UnsupportedOperationException("not needed by the federation tests");
  }

  @Override
  public synchronized long latestStreamPosition() {
    return stream;
  }

  @Override
  public Optional<String> eventIdForTransaction(TxnKey txn) {
    return Optional.empty();
  }

  @Override
  public Map<String, String> transactionIds(Collection<String> eventIds, String userId, String deviceId) {
    return Map.of();
  }

  @Override
  public synchronized boolean replaceWithRedacted(String eventId, ObjectNode redactedEvent) {
    throw new UnsupportedOperationException("not needed by the federation tests");
  }
}
