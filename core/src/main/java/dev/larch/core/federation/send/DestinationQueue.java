package dev.larch.core.federation.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.StoredEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One destination's worker: forms the next transaction from the head of the durable queue plus the pending
 * ephemeral EDUs, sends it, and deletes what was delivered; waits out a backoff after a retryable failure.
 *
 * <p>States: <i>scheduled</i> (a run is due now or after a backoff), <i>running</i> (one thread at a time), and
 * <i>retired</i> (its queue was found empty: it is removed from the sender's map and a new object takes over if
 * more arrives). {@link #poke} marks new work; a poke during a run makes the run look again before it retires.
 */
final class DestinationQueue {
  /** An EDU as it goes into a transaction. */
  record Edu(String type, ObjectNode content) {}

  /** A formed transaction, kept unchanged until it is answered. */
  private record Transaction(String id, ObjectNode body, List<Long> rowIds, int pdus, int edus) {}

  private enum Outcome { SENT, DROPPED, EMPTY, RETRY }

  private static final Logger log = LoggerFactory.getLogger(DestinationQueue.class);

  // Ephemeral EDUs kept per destination while it is unreachable; beyond this the oldest go.
  private static final int MAX_EPHEMERAL = 1_000;

  private final FederationSender sender;
  private final String destination;
  private final Map<String, Edu> ephemeral = new LinkedHashMap<>(); // guarded by this
  private Transaction inFlight; // guarded by this
  private long backoffMillis; // guarded by this; 0 while healthy
  private long retryDelayMillis; // set by the attempt that returns RETRY
  private SendScheduler.Scheduled scheduled; // guarded by this
  private boolean running; // guarded by this
  private boolean dirty; // guarded by this
  private boolean woken; // guarded by this: a wake arrived during a run
  private boolean retired; // guarded by this

  DestinationQueue(FederationSender sender, String destination) {
    this.sender = sender;
    this.destination = destination;
  }

  /**
   * New work (or, with {@code wake}, news that the destination is back): adds the ephemeral EDU if given and makes
   * sure a run is due, now unless a backoff is being waited out and this is no wake. False if this queue is
   * retired (the caller then uses a fresh one).
   */
  synchronized boolean poke(boolean wake, String key, Edu edu) {
    if (retired) {
      return false;
    }
    if (edu != null) {
      ephemeral.remove(key);
      ephemeral.put(key, edu);
      if (ephemeral.size() > MAX_EPHEMERAL) {
        Iterator<String> oldest = ephemeral.keySet().iterator();
        oldest.next();
        oldest.remove();
      }
    }
    dirty = true;
    if (running) {
      woken |= wake;
      return true;
    }
    if (scheduled != null) {
      if (!wake || backoffMillis == 0) {
        return true;
      }
      log.info("federation destination woken, retrying now destination={}", destination);
      scheduled.cancel();
    }
    scheduled = sender.scheduler.schedule(this::run, 0);
    return true;
  }

  synchronized void cancel() {
    retired = true;
    if (scheduled != null) {
      scheduled.cancel();
      scheduled = null;
    }
  }

  private void run() {
    synchronized (this) {
      if (running || retired || sender.closed) {
        return;
      }
      running = true;
      scheduled = null;
    }
    try {
      while (true) {
        synchronized (this) {
          dirty = false;
          woken = false;
        }
        Outcome outcome = attempt();
        if (outcome == Outcome.SENT || outcome == Outcome.DROPPED) {
          continue;
        }
        synchronized (this) {
          if (sender.closed) {
            retired = true;
            return;
          }
          if (outcome == Outcome.EMPTY) {
            if (dirty) {
              continue;
            }
            retired = true;
            sender.queues.remove(destination, this);
            return;
          }
          // A wake that came while this attempt failed still counts: the destination may just have come back.
          scheduled = sender.scheduler.schedule(this::run, woken ? 0 : retryDelayMillis);
          return;
        }
      }
    } finally {
      synchronized (this) {
        running = false;
      }
    }
  }

  /** Sends the transaction in flight, or forms the next one; says what happened. */
  private Outcome attempt() {
    Transaction txn;
    try {
      synchronized (this) {
        txn = inFlight;
      }
      if (txn == null) {
        txn = form();
        if (txn == null) {
          return Outcome.EMPTY;
        }
        synchronized (this) {
          inFlight = txn;
        }
      }
    } catch (RuntimeException e) {
      log.error("cannot form a transaction destination={}", destination, e);
      return retry();
    }
    try {
      JsonNode response = sender.client.request(destination, "PUT", FederationSender.SEND_PATH + txn.id(),
          txn.body());
      sender.answered(destination);
      logPduErrors(txn, response);
      delivered(txn);
      synchronized (this) {
        backoffMillis = 0;
      }
      log.debug("transaction sent destination={} txn={} pdus={} edus={}", destination, txn.id(), txn.pdus(),
          txn.edus());
      return Outcome.SENT;
    } catch (RemoteServerException e) {
      if (e.retryable()) {
        if (sender.failedAndRelayable(destination)) {
          return relay(txn, e);
        }
        Outcome outcome = retry();
        log.info("transaction failed, retrying in {} ms destination={} txn={}: {}", retryDelayMillis,
            destination, txn.id(), e.getMessage());
        return outcome;
      }
      sender.answered(destination);
      log.warn("transaction refused, dropping it destination={} txn={} pdus={} edus={}: {}", destination, txn.id(),
          txn.pdus(), txn.edus(), e.getMessage());
      try {
        delivered(txn);
      } catch (RuntimeException storage) {
        log.error("cannot delete a dropped transaction destination={}", destination, storage);
        return retry();
      }
      return Outcome.DROPPED;
    } catch (RuntimeException e) {
      // Our fault (storage, a bug in the client): keep the transaction and try again later.
      log.error("transaction failed on our side destination={} txn={}", destination, txn.id(), e);
      return retry();
    }
  }

  /**
   * The destination is taken to be offline: hands the transaction to the relays; delivered if any took it, else the
   * backoff goes on.
   */
  private Outcome relay(Transaction txn, RemoteServerException direct) {
    List<String> took;
    try {
      took = sender.relays.handOver(destination, txn.id(), txn.body());
    } catch (RuntimeException e) {
      log.error("handing a transaction to relays failed on our side destination={} txn={}", destination, txn.id(), e);
      return retry();
    }
    if (took.isEmpty()) {
      Outcome outcome = retry();
      log.info("transaction failed and no relay took it, retrying in {} ms destination={} txn={}: {}",
          retryDelayMillis, destination, txn.id(), direct.getMessage());
      return outcome;
    }
    try {
      delivered(txn);
    } catch (RuntimeException storage) {
      // Handed over but still queued: the retry sends the same ID, which the relays and the addressee drop.
      log.error("cannot delete a relayed transaction destination={}", destination, storage);
      return retry();
    }
    log.info("destination offline, transaction handed to relay destination={} relays={} txn={} pdus={} edus={}",
        destination, String.join(",", took), txn.id(), txn.pdus(), txn.edus());
    return Outcome.SENT;
  }

  /** Deletes the transaction's rows and forgets it. */
  private void delivered(Transaction txn) {
    if (!txn.rowIds().isEmpty()) {
      sender.store.delete(destination, txn.rowIds());
    }
    synchronized (this) {
      inFlight = null;
    }
  }

  /** Doubles the backoff (from the initial one) and picks the jittered delay of the next attempt. */
  private synchronized Outcome retry() {
    SendSettings settings = sender.settings;
    backoffMillis = backoffMillis == 0 ? settings.initialBackoffMillis()
        : Math.min(settings.maxBackoffMillis(), backoffMillis * 2);
    double jitter = 0.8 + 0.6 * sender.random.nextDouble();
    retryDelayMillis = Math.min(settings.maxBackoffMillis(), Math.round(backoffMillis * jitter));
    return Outcome.RETRY;
  }

  /**
   * The next transaction: the longest prefix of the durable queue within the PDU and EDU limits (so the order of
   * the queue is kept), then pending ephemeral EDUs up to the EDU limit; null if there is nothing to send.
   */
  private Transaction form() {
    SendSettings settings = sender.settings;
    while (true) {
      List<QueueEntry> rows = sender.store.head(destination, settings.maxPdus() + settings.maxEdus());
      List<QueueEntry> taken = new ArrayList<>();
      int pduRows = 0;
      int eduRows = 0;
      for (QueueEntry row : rows) {
        if (row.isPdu() ? pduRows == settings.maxPdus() : eduRows == settings.maxEdus()) {
          break;
        }
        if (row.isPdu()) {
          pduRows++;
        } else {
          eduRows++;
        }
        taken.add(row);
      }
      Map<String, StoredEvent> events = new HashMap<>();
      List<String> eventIds = taken.stream().filter(QueueEntry::isPdu).map(QueueEntry::eventId).toList();
      if (!eventIds.isEmpty()) {
        sender.rooms.events(eventIds).forEach(e -> events.put(e.eventId(), e));
      }
      ObjectNode body = JsonMapper.shared().createObjectNode();
      body.put("origin", sender.serverName);
      body.put("origin_server_ts", sender.clock.millis());
      ArrayNode pdus = body.putArray("pdus");
      ArrayNode edus = JsonMapper.shared().createArrayNode();
      List<Long> rowIds = new ArrayList<>();
      for (QueueEntry row : taken) {
        rowIds.add(row.id());
        if (row.isPdu()) {
          StoredEvent event = events.get(row.eventId());
          if (event == null) {
            log.warn("queued event is not stored, skipping it destination={} event={}", destination, row.eventId());
            continue;
          }
          pdus.add(event.pdu().json());
        } else {
          edus.add(eduJson(row.eduType(), row.content()));
        }
      }
      synchronized (this) {
        Iterator<Edu> pending = ephemeral.values().iterator();
        while (pending.hasNext() && edus.size() < settings.maxEdus()) {
          Edu edu = pending.next();
          edus.add(eduJson(edu.type(), edu.content()));
          pending.remove();
        }
      }
      if (pdus.isEmpty() && edus.isEmpty()) {
        if (rowIds.isEmpty()) {
          return null;
        }
        // Only rows of events that are gone: drop them and look again.
        sender.store.delete(destination, rowIds);
        continue;
      }
      if (!edus.isEmpty()) {
        body.set("edus", edus);
      }
      return new Transaction(sender.nextTxnId(), body, List.copyOf(rowIds), pdus.size(), edus.size());
    }
  }

  private static ObjectNode eduJson(String type, ObjectNode content) {
    ObjectNode edu = JsonMapper.shared().createObjectNode();
    edu.put("edu_type", type);
    edu.set("content", content);
    return edu;
  }

  /** Per-PDU errors of a 200 answer ({@code pdus: {eventId: {error}}}): the remote's verdict, logged only. */
  private void logPduErrors(Transaction txn, JsonNode response) {
    JsonNode results = response == null ? null : response.get("pdus");
    if (results == null || !results.isObject()) {
      return;
    }
    for (Map.Entry<String, JsonNode> result : results.properties()) {
      JsonNode error = result.getValue().get("error");
      if (error != null) {
        log.info("remote refused a pdu destination={} txn={} event={}: {}", destination, txn.id(), result.getKey(),
            error.asText());
      }
    }
  }
}
