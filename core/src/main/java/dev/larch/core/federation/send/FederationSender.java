package dev.larch.core.federation.send;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.RoomEventListener;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.relay.RelayHandOver;
import dev.larch.core.id.UserId;
import dev.larch.core.room.Membership;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StoredEvent;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends this server's events and EDUs to the other servers of its rooms, in transactions
 * ({@code PUT /_matrix/federation/v1/send/{txnId}}), one durable queue per destination.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/server-server-api/#transactions">server-server API v1.11,
 * "Transactions"</a> (at most 50 PDUs and 100 EDUs each) and "EDUs".
 *
 * <p>Implementation notes:
 *
 * <ol>
 *   <li><b>What is queued comes from the event stream, not from the listener call.</b> As a
 *       {@link RoomEventListener} the sender only learns that there is something new; a queueing step then reads
 *       the committed local events after its stream position ({@link EventStreamReader}), picks each one's
 *       destinations (every other server with a joined member in the room's current state, plus the server of a
 *       remote user the event kicks or bans; invites travel through the invite API instead), and stores the queue
 *       rows and the new stream position in one transaction. A crash between an event's commit and its queueing
 *       therefore loses nothing: the next start reads the stream from the stored position. Steps run one at a
 *       time, so rows are queued in stream order. A step that queues nothing writes its position only every
 *       1,000 events or 10 s, so rooms without other servers cost no extra commit.
 *   <li><b>Durable queues, small windows.</b> Rows stay in the database until a transaction carrying them was
 *       answered with 200. A destination's worker reads only the next transaction's rows (a contiguous prefix of
 *       its queue, at most 50 PDUs and 100 EDUs), so a backlog costs disk, not heap. Ephemeral EDUs (typing,
 *       receipts, presence) stay in memory, newest per key, and ride along with whatever goes next.
 *   <li><b>Transaction IDs.</b> A formed transaction is kept, byte for byte, until it is answered: a retry sends
 *       the same ID and body, so the remote's idempotence applies. An ID is the sender's start time (ms, base 36)
 *       and a counter, so IDs are unique across restarts too, however many were sent before (a transaction
 *       re-formed after a restart gets a new ID; the remote drops the PDUs it already has by event ID).
 *   <li><b>Failures.</b> A retryable failure ({@link dev.larch.core.federation.RemoteServerException#retryable()})
 *       waits: 5 s, doubling up to an hour, with jitter (×0.8–1.4, as Dendrite), then retries the same
 *       transaction. A non-retryable one (the remote refused the transaction with a 4xx, or answered nonsense)
 *       drops that transaction with a log line. Per-PDU errors in a 200 answer are logged, never retried.
 *       {@link #wake} retries a waiting destination at once (a signed request from it arrived, or the overlay
 *       sees the peer again).
 *   <li><b>Relays.</b> A P2P destination that failed {@link SendSettings#relayAfterFailures} attempts in a row
 *       (2, Dendrite's "assumed offline") is still tried directly first each time; when that fails too and this
 *       server trusts relays ({@link RelayHandOver}), the same transaction (same ID and body) goes to every relay
 *       with {@code send_relay}, and any relay taking it counts as delivered: its rows are deleted and the next
 *       transaction follows at once, so a relay receives them in queue order and the addressee collects them in
 *       that order. If no relay takes it, the backoff goes on as above. The count of failures in a row is kept per
 *       destination while the sender runs (also when its queue is idle), and reset by an answer from it. If the
 *       destination comes back before collecting, later transactions reach it directly first; it then fetches what
 *       it lacks from their {@code prev_events} as for any gap, and what it collects later is a repeat it drops.
 *   <li><b>Threads.</b> Everything runs through the {@link SendScheduler}: one task per destination with work
 *       and none for idle destinations, whose queue object is dropped once its queue is empty. A local event wakes
 *       the queueing step only when it is idle; while steps keep finding events, the next runs
 *       {@link SendSettings#busyPollMillis} later by itself, so a busy room's sends do not each wake this thread.
 * </ol>
 */
public final class FederationSender implements RoomEventListener, AutoCloseable {
  static final String SEND_PATH = "/_matrix/federation/v1/send/";

  private static final Logger log = LoggerFactory.getLogger(FederationSender.class);

  // How soon a queueing step looks again when an event it heard of is committed but not yet below the stream's
  // published position (another room's persist with a lower position is still open), or after a storage error.
  private static final long STREAM_LAG_RETRY_MS = 50;
  private static final long STORAGE_RETRY_MS = 5_000;

  // A step that queues nothing (rooms without other servers) stores its position only this rarely, so that a
  // server without federation pays no extra commit per message; after a crash at most this much is read again.
  private static final long POSITION_WRITE_EVERY_EVENTS = 1_000;
  private static final long POSITION_WRITE_EVERY_MS = 10_000;

  final String serverName;
  final RoomStore rooms;
  final FederationQueueStore store;
  final FederationClient client;
  final SendScheduler scheduler;
  final Clock clock;
  final Random random;
  final SendSettings settings;
  final RelayHandOver relays;
  final Map<String, DestinationQueue> queues = new ConcurrentHashMap<>();
  // Failed attempts in a row, per destination that could be relayed to; an answer from it removes its entry.
  private final Map<String, Integer> failuresInARow = new ConcurrentHashMap<>();

  private final EventStreamReader stream;
  private final String txnPrefix;
  private final AtomicLong txnCounter = new AtomicLong();
  private final Object queueing = new Object();
  private boolean stepScheduled; // guarded by queueing
  private boolean stepRunning; // guarded by queueing
  private boolean stepAgain; // guarded by queueing
  private long position = -1; // the stream position queued up to; only the running step touches it
  // Other servers joined to each room, kept between steps while the room sees only local non-state events (which
  // cannot change its members); a state event or a remote event drops the room's entry. Only the running step
  // touches it.
  private final Map<String, Set<String>> remoteServersByRoom = new HashMap<>();
  private long storedPosition = -1; // the position last written to the store
  private long storedAt; // when, by the clock
  private volatile long heardOf; // the highest local event position heard of
  private volatile boolean started;
  volatile boolean closed;

  /**
   * @param serverName this server's name: events of its users are sent, and it is never a destination
   * @param rooms where the PDUs, room memberships and the stream's published position are read
   * @param random jitter for backoff
   */
  public FederationSender(String serverName, RoomStore rooms, EventStreamReader stream, FederationQueueStore store,
      FederationClient client, SendScheduler scheduler, Clock clock, Random random, SendSettings settings) {
    this(serverName, rooms, stream, store, client, scheduler, clock, random, settings, RelayHandOver.NONE);
  }

  /** @param relays where transactions for P2P destinations that are offline go ({@link RelayHandOver#NONE}: nowhere) */
  public FederationSender(String serverName, RoomStore rooms, EventStreamReader stream, FederationQueueStore store,
      FederationClient client, SendScheduler scheduler, Clock clock, Random random, SendSettings settings,
      RelayHandOver relays) {
    this.serverName = Objects.requireNonNull(serverName, "serverName");
    this.rooms = Objects.requireNonNull(rooms, "rooms");
    this.stream = Objects.requireNonNull(stream, "stream");
    this.store = Objects.requireNonNull(store, "store");
    this.client = Objects.requireNonNull(client, "client");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.random = Objects.requireNonNull(random, "random");
    this.settings = Objects.requireNonNull(settings, "settings");
    this.relays = Objects.requireNonNull(relays, "relays");
    this.txnPrefix = Long.toString(clock.millis(), 36) + ".";
  }

  /**
   * Starts sending: on a database the sender never ran on, the stream position starts at the current end (old
   * events are not sent); otherwise local events after the stored position are queued, and every destination with
   * queued items gets a worker. Blocking (database reads); call once, before clients can send.
   */
  public void start() {
    long stored = store.streamPosition();
    if (stored < 0) {
      stored = rooms.latestStreamPosition();
      store.enqueuePdus(List.of(), stored);
    }
    synchronized (queueing) {
      position = stored;
      storedPosition = stored;
      storedAt = clock.millis();
    }
    started = true;
    Set<String> pending = store.destinations();
    log.info("federation sender started stream_position={} destinations_with_backlog={}", stored, pending.size());
    scheduleStep(0);
    pending.forEach(d -> activate(d, false, null, null));
  }

  @Override
  public void onEventPersisted(Pdu event, long streamPosition, boolean local) {
    if (!local || closed) {
      return;
    }
    if (streamPosition > heardOf) {
      heardOf = streamPosition;
    }
    if (started) {
      scheduleStep(0);
    }
  }

  /**
   * Queues an event that another server asked this one to send into the room (as the resident server of
   * {@code send_join}, {@code send_leave} or {@code send_knock}) for every other joined server but {@code origin}.
   * Durable before it returns. Blocking.
   */
  public void sendOnBehalfOf(String roomId, String eventId, String origin) {
    Set<String> destinations = joinedServers(roomId);
    destinations.remove(origin);
    destinations.remove(serverName);
    if (destinations.isEmpty()) {
      return;
    }
    store.enqueue(destinations.stream().map(d -> QueueEntry.pdu(d, eventId)).toList());
    destinations.forEach(d -> activate(d, false, null, null));
  }

  /**
   * Queues an EDU that must survive a restart ({@code m.direct_to_device}, {@code m.device_list_update},
   * {@code m.signing_key_update}) for each destination but this server. Durable before it returns. Blocking.
   */
  public void sendDurable(Collection<String> destinations, String eduType, ObjectNode content) {
    List<QueueEntry> entries = new ArrayList<>();
    for (String destination : new TreeSet<>(destinations)) {
      if (!destination.equals(serverName)) {
        entries.add(QueueEntry.edu(destination, eduType, content));
      }
    }
    if (entries.isEmpty()) {
      return;
    }
    store.enqueue(entries);
    entries.forEach(e -> activate(e.destination(), false, null, null));
  }

  /**
   * Sends an ephemeral EDU ({@code m.typing}, {@code m.receipt}, {@code m.presence}) to each destination but this
   * server with its next transaction. Kept in memory only; a newer EDU with the same {@code key} replaces one not
   * yet sent.
   */
  public void sendEphemeral(Collection<String> destinations, String key, String eduType, ObjectNode content) {
    if (closed) {
      return;
    }
    for (String destination : new TreeSet<>(destinations)) {
      if (!destination.equals(serverName)) {
        activate(destination, false, key, new DestinationQueue.Edu(eduType, content));
      }
    }
  }

  /**
   * {@code destination} is reachable again (it sent us a signed request, or the overlay sees the peer): if its
   * queue is waiting out a backoff, it retries now.
   */
  public void wake(String destination) {
    DestinationQueue queue = queues.get(destination);
    if (queue != null && !closed) {
      queue.poke(true, null, null);
    }
  }

  /** Every other server with a joined member in the room's current state. */
  public Set<String> joinedServers(String roomId) {
    Set<String> servers = new TreeSet<>();
    for (Membership member : rooms.members(roomId)) {
      if ("join".equals(member.membership())) {
        serverOf(member.userId()).ifPresent(servers::add);
      }
    }
    servers.remove(serverName);
    return servers;
  }

  /**
   * Stops scheduling and stores the stream position reached; queued items stay in the database for the next
   * start. Call before the database closes.
   */
  @Override
  public void close() {
    closed = true;
    queues.values().forEach(DestinationQueue::cancel);
    queues.clear();
    synchronized (queueing) {
      if (!stepRunning && started && position > storedPosition) {
        try {
          store.enqueuePdus(List.of(), position);
        } catch (RuntimeException e) {
          log.warn("cannot store the federation stream position at close; it is read again at start", e);
        }
      }
    }
  }

  /**
   * Counts a failed attempt to reach {@code destination}; true if it is now taken to be offline and its transaction
   * may go to a relay instead.
   */
  boolean failedAndRelayable(String destination) {
    if (!relays.canRelay(destination)) {
      return false;
    }
    return failuresInARow.merge(destination, 1, Integer::sum) >= settings.relayAfterFailures();
  }

  /** {@code destination} answered (a 200, or a refusal): it is online. */
  void answered(String destination) {
    failuresInARow.remove(destination);
  }

  /** The next transaction ID: this sender's start time, then a counter. */
  String nextTxnId() {
    return txnPrefix + txnCounter.incrementAndGet();
  }

  /** Makes sure {@code destination} has a worker, adding the ephemeral EDU (if any) to its queue first. */
  private void activate(String destination, boolean wake, String key, DestinationQueue.Edu edu) {
    if (closed) {
      return;
    }
    while (!queues.computeIfAbsent(destination, d -> new DestinationQueue(this, d)).poke(wake, key, edu)) {
      // That queue was just retired as empty; the next loop creates a fresh one.
    }
  }

  private void scheduleStep(long delayMillis) {
    synchronized (queueing) {
      if (stepScheduled || closed) {
        return;
      }
      stepScheduled = true;
    }
    scheduler.schedule(this::queueStep, delayMillis);
  }

  /** One queueing step: reads the stream after {@link #position} and queues every local event found. */
  private void queueStep() {
    synchronized (queueing) {
      stepScheduled = false;
      if (stepRunning) {
        stepAgain = true;
        return;
      }
      stepRunning = true;
    }
    long retryIn = -1;
    boolean found = false;
    try {
      while (!closed) {
        long until = rooms.latestStreamPosition();
        if (until <= position) {
          break;
        }
        found = true;
        List<StreamEvent> events = stream.events(position, until, settings.eventPage());
        long through = events.size() < settings.eventPage() ? until : events.get(events.size() - 1).streamPosition();
        Set<String> touched = queueEvents(events, through);
        position = through;
        touched.forEach(d -> activate(d, false, null, null));
      }
      if (heardOf > position) {
        retryIn = STREAM_LAG_RETRY_MS;
      } else if (found && settings.busyPollMillis() > 0) {
        retryIn = settings.busyPollMillis(); // busy: look again soon rather than be woken by every event
      }
    } catch (RuntimeException e) {
      log.error("federation queueing failed at stream_position={}; retrying", position, e);
      retryIn = STORAGE_RETRY_MS;
    } finally {
      boolean again;
      synchronized (queueing) {
        stepRunning = false;
        again = stepAgain;
        stepAgain = false;
      }
      if (again) {
        scheduleStep(0);
      }
    }
    if (retryIn >= 0) {
      scheduleStep(retryIn);
    }
  }

  /** Stores the queue rows of these events and the new stream position; returns the destinations. */
  private Set<String> queueEvents(List<StreamEvent> events, long through) {
    List<StreamEvent> local = new ArrayList<>();
    for (StreamEvent event : events) {
      boolean fromHere = isLocal(event.sender());
      if (fromHere) {
        local.add(event);
      }
      if (event.state() || !fromHere) {
        remoteServersByRoom.remove(event.roomId());
      }
    }
    List<String> localIds = new ArrayList<>();
    for (StreamEvent event : local) {
      Set<String> known = remoteServersByRoom.get(event.roomId());
      if (known == null || !known.isEmpty()) { // a room known to have no other server needs no PDU read
        localIds.add(event.eventId());
      }
    }
    Map<String, Pdu> pdus = new HashMap<>();
    if (!localIds.isEmpty()) {
      for (StoredEvent stored : rooms.events(localIds)) {
        pdus.put(stored.eventId(), stored.pdu());
      }
    }
    List<QueueEntry> entries = new ArrayList<>();
    Set<String> touched = new TreeSet<>();
    for (String eventId : localIds) {
      Pdu pdu = pdus.get(eventId);
      if (pdu == null) {
        continue;
      }
      Set<String> destinations = new TreeSet<>(remoteServersByRoom.computeIfAbsent(pdu.roomId(), this::joinedServers));
      affectedRemoteServer(pdu).ifPresent(destinations::add);
      destinations.remove(serverName);
      for (String destination : destinations) {
        entries.add(QueueEntry.pdu(destination, eventId));
      }
      touched.addAll(destinations);
    }
    long now = clock.millis();
    if (!entries.isEmpty() || through - storedPosition >= POSITION_WRITE_EVERY_EVENTS
        || now - storedAt >= POSITION_WRITE_EVERY_MS) {
      store.enqueuePdus(entries, through);
      storedPosition = through;
      storedAt = now;
    }
    if (!entries.isEmpty()) {
      log.debug("queued pdus={} rows={} through={}", localIds.size(), entries.size(), through);
    }
    return touched;
  }

  /**
   * The server of a remote user whose membership the event takes away (a kick, ban or leave), who is no longer
   * joined afterwards and so would not hear of it otherwise. Invites are sent through the invite API instead.
   */
  private Optional<String> affectedRemoteServer(Pdu pdu) {
    if (!"m.room.member".equals(pdu.type()) || pdu.stateKey() == null) {
      return Optional.empty();
    }
    String membership = pdu.membership();
    if (!"leave".equals(membership) && !"ban".equals(membership)) {
      return Optional.empty();
    }
    return serverOf(pdu.stateKey()).filter(s -> !s.equals(serverName));
  }

  /** Whether the user ID's server name (after its first colon: localparts have none) is this server's. */
  private boolean isLocal(String userId) {
    int colon = userId.indexOf(':');
    return colon > 0 && userId.length() == colon + 1 + serverName.length()
        && userId.startsWith(serverName, colon + 1);
  }

  private static Optional<String> serverOf(String userId) {
    return UserId.tryParse(userId).map(u -> u.serverName().value());
  }

  /** The destinations with a queue object now (those with work or waiting to retry), for tests and status. */
  Set<String> activeDestinations() {
    return new TreeSet<>(queues.keySet());
  }
}
