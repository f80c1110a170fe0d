package dev.larch.core.federation.join;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.Pdu;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.room.CurrentStateUpdate;
import dev.larch.core.room.EventBuilder;
import dev.larch.core.room.EventStatus;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.PersistResult;
import dev.larch.core.room.RoomLocks;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StateBefore;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins a local user to a room this server is not in. For each candidate server in turn until one works:
 * {@code make_join} → our join event from the template, signed → {@code send_join} (v2, v1 if the server lacks it) →
 * the answer checked ({@link SendJoinAnswer}) → recent history backfilled ({@link HistoryBackfill}) → under the
 * room's lock, in one transaction: the state and auth chain as outliers, the history as accepted events that leave
 * current state alone, and the join accepted on top of the state the resident gave, becoming current state. Then the
 * listeners hear of the join ({@code local}: it is ours), so {@code /sync} shows the room.
 *
 * <p>Spec: server-server API, "Joining Rooms"; client-server API, {@code POST /join/{roomIdOrAlias}}. The network
 * work happens before the lock is taken, so the room's other writers wait only for the write itself.
 */
final class RemoteJoin {
  private static final Logger log = LoggerFactory.getLogger(RemoteJoin.class);

  private final RoomWriter writer;
  private final RoomLocks locks;
  private final EventBuilder builder;
  private final EventSigner signer;
  private final FederationClient client;
  private final ReceivedEvents received;
  private final HistoryBackfill backfill;

  RemoteJoin(RoomWriter writer, RoomLocks locks, EventBuilder builder, EventSigner signer, FederationClient client,
      ReceivedEvents received, HistoryBackfill backfill) {
    this.writer = writer;
    this.locks = locks;
    this.builder = builder;
    this.signer = signer;
    this.client = client;
    this.received = received;
    this.backfill = backfill;
  }

  /** Joins through the first candidate that works; the join event, stored. */
  Pdu join(String userId, String roomId, List<String> candidates, ObjectNode content) {
    CandidateFailures failures = new CandidateFailures("join", roomId);
    for (String server : candidates) {
      try {
        return joinVia(server, userId, roomId, content);
      } catch (RemoteServerException e) {
        failures.add(e);
      }
    }
    throw failures.toMatrixException();
  }

  private Pdu joinVia(String server, String userId, String roomId, ObjectNode content) {
    MembershipTemplate template = MembershipTemplate.fetch(client, server, MembershipTemplate.Kind.JOIN, roomId,
        userId, RoomVersion.all());
    Pdu event = template.complete(signer, builder.clock().millis(), content, this::newEventId);
    JsonNode answer = sendJoin(server, roomId, event);
    EventPool pool = new EventPool(writer.store());
    SendJoinAnswer joined = SendJoinAnswer.check(server, roomId, event, answer, received, pool::event);
    pool.addAll(joined.events());
    HistoryBackfill.History history = backfill.fetch(server, template.version(), roomId,
        joined.join().prevEventIds(), HistoryBackfill.DEFAULT_LIMIT, pool, joined.create());
    long position = locks.withLock(roomId, () -> persist(joined, history));
    log.info("joined room over federation room={} user={} server={} version={} state={} events={} history={}",
        roomId, userId, server, template.version().identifier(), joined.state().size(), joined.events().size(),
        history.events().size());
    if (position > 0) {
      writer.notifyListeners(joined.join(), position, true);
    }
    return joined.join();
  }

  // PUT v2/send_join; a server without v2 answers 404 or M_UNRECOGNIZED, and v1 wraps its answer as [200, {...}].
  private JsonNode sendJoin(String server, String roomId, Pdu event) {
    String ids = PathSegment.encode(roomId) + "/" + PathSegment.encode(event.eventId());
    try {
      return client.request(server, "PUT", "/_matrix/federation/v2/send_join/" + ids, event.json());
    } catch (RemoteServerException e) {
      if (!unrecognized(e)) {
        throw e;
      }
    }
    JsonNode v1 = client.request(server, "PUT", "/_matrix/federation/v1/send_join/" + ids, event.json());
    if (v1.isArray() && v1.size() == 2 && v1.get(1).isObject()) {
      return v1.get(1);
    }
    throw RemoteServerException.badResponse(server, "v1 send_join answer is not [200, {...}]", null);
  }

  /** Whether a server does not know the endpoint at all (so an older version of it may work). */
  static boolean unrecognized(RemoteServerException e) {
    int status = e.status().orElse(0);
    String errcode = e.errcode().orElse(null);
    return (status == 404 && (errcode == null || "M_UNRECOGNIZED".equals(errcode)))
        || (status == 400 && "M_UNRECOGNIZED".equals(errcode));
  }

  // Under the room's lock; returns the join's stream position, or 0 if it was already stored.
  private long persist(SendJoinAnswer joined, HistoryBackfill.History history) {
    Set<String> historyIds = history.eventIds();
    Set<String> queued = new HashSet<>();
    List<PersistRequest> requests = new ArrayList<>();
    List<Pdu> outliers = new ArrayList<>(joined.events().values());
    outliers.addAll(history.outliers());
    for (Pdu event : outliers) {
      String id = event.eventId();
      if (!historyIds.contains(id) && !id.equals(joined.join().eventId()) && queued.add(id)
          && writer.store().event(id).isEmpty()) {
        requests.add(PersistRequest.outlier(event));
      }
    }
    for (PersistRequest request : history.events()) {
      // A stored outlier in the history is persisted again: the store gives it its state (later history needs it).
      if (writer.store().event(request.event().eventId()).map(e -> e.status().outlier()).orElse(true)) {
        requests.add(request);
      }
    }
    String base = joined.join().prevEventIds().stream().filter(historyIds::contains).findFirst().orElse(null);
    requests.add(new PersistRequest(joined.join(), EventStatus.ACCEPTED, StateBefore.resolved(joined.state(), base),
        CurrentStateUpdate.toStateAfterEvent(), Optional.empty()));
    List<PersistResult> results = writer.persist(requests);
    PersistResult join = results.get(results.size() - 1);
    return join.alreadyStored() ? 0 : join.streamPosition();
  }

  private String newEventId() {
    return "$" + builder.randomId(18) + ":" + signer.serverName();
  }
}
