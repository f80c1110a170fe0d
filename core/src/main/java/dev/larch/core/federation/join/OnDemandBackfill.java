package dev.larch.core.federation.join;

import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.federation.resident.RoomAccess;
import dev.larch.core.room.Membership;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.RemoteHistory;
import dev.larch.core.room.RoomLocks;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StoredEvent;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link RemoteHistory} over federation: when a client pages back past the earliest event held, asks the other
 * servers joined to the room for the history before it ({@link HistoryBackfill}) and stores it below every stream
 * position ({@link RoomStore#persistHistory}), so it is history for {@code /messages} and never news for
 * {@code /sync}. Listeners are not told: nothing new happened in the room.
 *
 * <p>An event that no server could extend is remembered (in memory, a bounded set), so a client paging at the
 * beginning of such a room does not make every server in it answer the same question again.
 */
final class OnDemandBackfill implements RemoteHistory {
  /** Servers asked per backfill, in the order the room's members list them. */
  static final int MAX_SERVERS = 3;
  /** Events remembered as having no reachable history before them. */
  private static final int MAX_DEAD_ENDS = 10_000;

  private static final Logger log = LoggerFactory.getLogger(OnDemandBackfill.class);

  private final RoomStore store;
  private final RoomLocks locks;
  private final HistoryBackfill backfill;
  private final String serverName;
  private final Set<String> deadEnds = Collections.synchronizedSet(Collections.newSetFromMap(
      new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
          return size() > MAX_DEAD_ENDS;
        }
      }));

  OnDemandBackfill(RoomStore store, RoomLocks locks, HistoryBackfill backfill, String serverName) {
    this.store = store;
    this.locks = locks;
    this.backfill = backfill;
    this.serverName = serverName;
  }

  @Override
  public boolean backfill(String roomId, StoredEvent oldest, int limit) {
    // What the oldest event builds on that we lack in the timeline (unknown, or kept as an outlier): the backfill
    // starts there.
    List<String> from = oldest.pdu().prevEventIds().stream()
        .filter(id -> store.event(id).map(e -> e.status().outlier()).orElse(true)).toList();
    if (from.isEmpty() || deadEnds.contains(oldest.eventId())) {
      return false;
    }
    Optional<RoomVersion> version = store.roomVersion(roomId);
    Optional<Pdu> create = store.currentStateEventId(roomId, StateKey.of("m.room.create", ""))
        .flatMap(store::event).map(StoredEvent::pdu);
    if (version.isEmpty() || create.isEmpty()) {
      return false;
    }
    int asked = 0;
    for (String server : residentServers(roomId)) {
      if (asked++ == MAX_SERVERS) {
        break;
      }
      HistoryBackfill.History history = backfill.fetch(server, version.get(), roomId, from,
          Math.min(limit, HistoryBackfill.DEFAULT_LIMIT), new EventPool(store), create.get());
      if (history.events().isEmpty()) {
        continue;
      }
      int stored = locks.withLock(roomId, () -> persist(history));
      log.info("backfilled on demand room={} server={} before={} events={}", roomId, server, oldest.eventId(),
          stored);
      if (stored > 0) {
        return true;
      }
    }
    deadEnds.add(oldest.eventId());
    return false;
  }

  // Under the room's lock: the state events fetched for the history as outliers, then the history, oldest first.
  private int persist(HistoryBackfill.History history) {
    Set<String> historyIds = history.eventIds();
    List<PersistRequest> requests = new ArrayList<>();
    Set<String> queued = new LinkedHashSet<>();
    for (Pdu outlier : history.outliers()) {
      if (!historyIds.contains(outlier.eventId()) && queued.add(outlier.eventId())
          && store.event(outlier.eventId()).isEmpty()) {
        requests.add(PersistRequest.outlier(outlier));
      }
    }
    requests.addAll(history.events());
    return (int) store.persistHistory(requests).stream()
        .filter(r -> !r.alreadyStored() && r.streamPosition() != 0).count();
  }

  // The other servers with members joined to the room now.
  private List<String> residentServers(String roomId) {
    Set<String> servers = new LinkedHashSet<>();
    for (Membership member : store.members(roomId)) {
      String server = RoomAccess.serverOf(member.userId());
      if ("join".equals(member.membership()) && server != null) {
        servers.add(server);
      }
    }
    servers.remove(serverName);
    return List.copyOf(servers);
  }
}
