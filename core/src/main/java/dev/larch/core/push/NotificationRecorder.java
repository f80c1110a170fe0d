package dev.larch.core.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.RoomEventListener;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.RoomStore;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records a notification for every local user whose push rules give a new room event the {@code notify} action:
 * the room's joined local members other than the sender, and the invited user of an invite. What
 * {@code GET /notifications} pages through.
 *
 * <p>Spec: client-server API v1.11, "Push Notifications" and {@code GET /notifications}. Rules are evaluated as
 * {@link NotificationCounter} does for the unread counts ({@link PushEvaluator} over {@link RoomPushState}).
 *
 * <p>Off the send path: the listener only queues the event, and one task at a time on {@code executor} evaluates
 * queued events in batches (the rules of each user read once per batch) and stores each batch's notifications in one
 * transaction. {@link #awaitRecorded} lets a reader wait until everything queued before it is stored, so a client
 * that saw an event in {@code /sync} finds its notification. Queued events are lost on a crash and above
 * {@value #MAX_PENDING} waiting events new ones are dropped (logged): the unread counts in {@code /sync} do not
 * depend on this record.
 */
public final class NotificationRecorder implements RoomEventListener {
  private static final Logger log = LoggerFactory.getLogger(NotificationRecorder.class);
  static final int MAX_PENDING = 100_000;
  private static final int BATCH = 256;

  private final RoomStore rooms;
  private final PushRuleService rules;
  private final NotificationStore store;
  private final String localSuffix;
  private final Clock clock;
  private final Executor executor;
  private final ConcurrentLinkedQueue<Queued> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();
  private final Object progress = new Object();
  private long queued; // guarded by progress
  private long handled; // guarded by progress

  public NotificationRecorder(RoomStore rooms, PushRuleService rules, NotificationStore store, String serverName,
      Clock clock, Executor executor) {
    this.rooms = Objects.requireNonNull(rooms, "rooms");
    this.rules = Objects.requireNonNull(rules, "rules");
    this.store = Objects.requireNonNull(store, "store");
    this.localSuffix = ":" + Objects.requireNonNull(serverName, "serverName");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.executor = Objects.requireNonNull(executor, "executor");
  }

  private record Queued(Pdu event, long streamPosition) {}

  @Override
  public void onEventPersisted(Pdu event, long streamPosition, boolean local) {
    synchronized (progress) {
      if (queued - handled >= MAX_PENDING) {
        log.warn("notification queue full, not recording room={} event={}", event.roomId(), event.eventId());
        return;
      }
      queued++;
    }
    queue.add(new Queued(event, streamPosition));
    schedule();
  }

  /**
   * Waits until every event queued before this call has been evaluated and its notifications stored, or until
   * {@code timeoutMs} passed; true if it got there.
   */
  public boolean awaitRecorded(long timeoutMs) {
    long deadline = System.nanoTime() + timeoutMs * 1_000_000;
    synchronized (progress) {
      long target = queued;
      while (handled < target) {
        long left = (deadline - System.nanoTime()) / 1_000_000;
        if (left <= 0) {
          return false;
        }
        try {
          progress.wait(left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return true;
    }
  }

  private void schedule() {
    if (draining.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        draining.set(false);
        log.warn("notification recorder executor refused work: {}", e.toString());
      }
    }
  }

  private void drain() {
    try {
      List<Queued> batch = new ArrayList<>(BATCH);
      while (true) {
        batch.clear();
        for (Queued next; batch.size() < BATCH && (next = queue.poll()) != null; ) {
          batch.add(next);
        }
        if (batch.isEmpty()) {
          return;
        }
        try {
          store.add(evaluate(batch));
        } catch (RuntimeException e) {
          log.error("recording notifications failed events={}", batch.size(), e);
        }
        synchronized (progress) {
          handled += batch.size();
          progress.notifyAll();
        }
      }
    } finally {
      draining.set(false);
      // An event queued after the last poll but before draining was cleared would otherwise wait for the next one.
      if (!queue.isEmpty()) {
        schedule();
      }
    }
  }

  private List<Notification> evaluate(List<Queued> batch) {
    Map<String, ObjectNode> rulesOf = new HashMap<>();
    Map<String, RoomPushState> roomStates = new HashMap<>();
    long now = clock.millis();
    List<Notification> out = new ArrayList<>();
    for (Queued queued : batch) {
      Pdu event = queued.event();
      RoomPushState room = roomStates.computeIfAbsent(event.roomId(), id -> RoomPushState.current(rooms, id));
      Set<String> users = new LinkedHashSet<>();
      for (String member : room.joinedMembers()) {
        if (member.endsWith(localSuffix)) {
          users.add(member);
        }
      }
      if ("m.room.member".equals(event.type()) && "invite".equals(event.membership())
          && event.stateKey() != null && event.stateKey().endsWith(localSuffix)) {
        users.add(event.stateKey());
      }
      users.remove(event.sender());
      ObjectNode json = event.json();
      for (String user : users) {
        ObjectNode global = rulesOf.computeIfAbsent(user, rules::global);
        JsonNode rule = PushEvaluator.matchingRule(global, json, room.contextFor(user, json));
        if (rule == null) {
          continue;
        }
        PushActions actions = PushEvaluator.actions(rule.path("rule_id").asText(), rule.path("actions"));
        if (actions.notifies()) {
          JsonNode list = rule.path("actions");
          ArrayNode copy = list.isArray() ? ((ArrayNode) list).deepCopy() : JsonMapper.shared().createArrayNode();
          out.add(new Notification(user, event.roomId(), event.eventId(), queued.streamPosition(), now, copy,
              actions.highlight()));
        }
      }
    }
    return out;
  }
}
