package dev.larch.core.typing;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.id.RoomId;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.sync.MembershipQuery;
import dev.larch.core.sync.SyncNotifier;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is typing in which room, in memory, with expiry read from the injected clock.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#typing-notifications">client-server API
 * v1.11, "Typing Notifications"</a>.
 *
 * <p>Implementation notes: typing is ephemeral, so nothing is stored. Each room remembers the stream position of
 * its last change; a sync token carries the position it has seen. Positions start at the clock's epoch milliseconds
 * when the service is created, so tokens handed out before a restart are below every position after it and a client
 * never misses a change across restarts. Expired entries are hidden at once and removed (with a new position and a
 * wake-up of pending syncs) by {@link #expireDue()}, which runs on a JDK timer just after each entry's expiry (no
 * periodic scan, no thread of our own).
 */
public final class TypingService {
  /** The longest a user stays typing without a refresh, whatever the client asks. */
  public static final long MAX_TIMEOUT_MS = 120_000;

  /** The timeout when a client says it is typing but gives none. */
  public static final long DEFAULT_TIMEOUT_MS = 30_000;

  /** How long a typing notification from another server lasts (what Synapse assumes, as the EDU has no timeout). */
  public static final long FEDERATION_TIMEOUT_MS = 60_000;

  private static final Logger log = LoggerFactory.getLogger(TypingService.class);

  // How long after an expiry the scheduled check runs, so it finds the entry expired.
  private static final long EXPIRY_SLACK_MS = 50;

  private final MembershipQuery memberships;
  private final SyncNotifier notifier;
  private final Clock clock;
  private final TypingListener listener;
  private final Map<String, RoomTyping> rooms = new HashMap<>(); // guarded by this
  private long position; // guarded by this

  public TypingService(MembershipQuery memberships, SyncNotifier notifier, Clock clock) {
    this(memberships, notifier, clock, TypingListener.NONE);
  }

  /** With {@code listener} told of every change (the federation sender's {@code m.typing} EDUs). */
  public TypingService(MembershipQuery memberships, SyncNotifier notifier, Clock clock, TypingListener listener) {
    this.memberships = Objects.requireNonNull(memberships, "memberships");
    this.notifier = Objects.requireNonNull(notifier, "notifier");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.listener = Objects.requireNonNull(listener, "listener");
    this.position = clock.millis();
  }

  /**
   * {@code PUT /rooms/{roomId}/typing/{userId}}: the requester starts typing for {@code timeoutMs} (capped at
   * {@link #MAX_TIMEOUT_MS}) or stops. Only joined members, and only for themselves.
   */
  public void setTyping(String requester, String userId, String roomId, boolean typing, long timeoutMs) {
    if (!requester.equals(userId)) {
      throw MatrixException.forbidden("Cannot set the typing state of other users");
    }
    RoomId.parse(roomId);
    if (!memberships.isJoined(roomId, userId)) {
      throw MatrixException.forbidden("You are not joined to this room");
    }
    apply(roomId, userId, typing, timeoutMs);
  }

  /**
   * A typing update from another server ({@code m.typing} EDU): applied if the user is joined to the room, with
   * the timeout servers assume for each other ({@link #FEDERATION_TIMEOUT_MS}; the EDU carries none). The caller
   * has checked that the sending server owns the user. Returns whether it was applied.
   */
  public boolean setRemoteTyping(String userId, String roomId, boolean typing) {
    if (RoomId.tryParse(roomId).isEmpty() || !memberships.isJoined(roomId, userId)) {
      return false;
    }
    apply(roomId, userId, typing, FEDERATION_TIMEOUT_MS);
    return true;
  }

  private void apply(String roomId, String userId, boolean typing, long timeoutMs) {
    long now = clock.millis();
    long timeout = 0;
    boolean changed;
    synchronized (this) {
      RoomTyping room = rooms.computeIfAbsent(roomId, k -> new RoomTyping());
      boolean wasTyping = room.isTyping(userId, now);
      if (typing) {
        timeout = timeoutMs <= 0 ? DEFAULT_TIMEOUT_MS : Math.min(timeoutMs, MAX_TIMEOUT_MS);
        room.expiries.put(userId, now + timeout);
      } else {
        room.expiries.remove(userId);
      }
      changed = wasTyping != typing;
      if (changed) {
        room.position = ++position;
      }
    }
    if (changed) {
      notifier.notifyRoom(roomId);
    }
    if (changed || typing) {
      // A refresh counts too: other servers time typing out on their own clock.
      tell(roomId, userId, typing);
    }
    if (typing) {
      // A wake-up just after the expiry; the injected clock still decides what has expired.
      CompletableFuture.runAsync(this::expireDue,
          CompletableFuture.delayedExecutor(timeout + EXPIRY_SLACK_MS, TimeUnit.MILLISECONDS));
    }
  }

  /** Removes expired entries; each room that changed gets a new position and its pending syncs are woken. */
  public void expireDue() {
    long now = clock.millis();
    List<String> changed = new ArrayList<>();
    List<String[]> stopped = new ArrayList<>();
    synchronized (this) {
      for (Map.Entry<String, RoomTyping> entry : rooms.entrySet()) {
        RoomTyping room = entry.getValue();
        boolean any = false;
        for (var it = room.expiries.entrySet().iterator(); it.hasNext(); ) {
          Map.Entry<String, Long> expiry = it.next();
          if (expiry.getValue() <= now) {
            it.remove();
            stopped.add(new String[] {entry.getKey(), expiry.getKey()});
            any = true;
          }
        }
        if (any) {
          room.position = ++position;
          changed.add(entry.getKey());
        }
      }
    }
    changed.forEach(notifier::notifyRoom);
    stopped.forEach(s -> tell(s[0], s[1], false));
  }

  private void tell(String roomId, String userId, boolean typing) {
    try {
      listener.typingChanged(roomId, userId, typing);
    } catch (RuntimeException e) {
      log.error("typing listener failed room={} user={}", roomId, userId, e);
    }
  }

  /** The current typing stream position, for sync tokens. */
  public synchronized long position() {
    return position;
  }

  /** The users typing in the room now, sorted. */
  public synchronized List<String> typingUsers(String roomId) {
    RoomTyping room = rooms.get(roomId);
    if (room == null) {
      return List.of();
    }
    long now = clock.millis();
    return room.expiries.entrySet().stream().filter(e -> e.getValue() > now).map(Map.Entry::getKey).toList();
  }

  /**
   * The room's {@code m.typing} event if it changed after {@code since} (in an initial sync, {@code since} 0: only
   * if someone is typing), else empty.
   */
  public Optional<ObjectNode> typingEvent(String roomId, long since) {
    List<String> users;
    synchronized (this) {
      RoomTyping room = rooms.get(roomId);
      if (room == null || room.position <= since) {
        return Optional.empty();
      }
      users = typingUsers(roomId);
    }
    if (since == 0 && users.isEmpty()) {
      return Optional.empty();
    }
    ObjectNode event = JsonMapper.shared().createObjectNode();
    event.put("type", "m.typing");
    ArrayNode ids = event.putObject("content").putArray("user_ids");
    users.forEach(ids::add);
    return Optional.of(event);
  }

  /** One room's typing users (user ID to expiry, ms since the epoch) and the position of its last change. */
  private static final class RoomTyping {
    private final Map<String, Long> expiries = new TreeMap<>();
    private long position;

    private boolean isTyping(String userId, long now) {
      Long expiry = expiries.get(userId);
      return expiry != null && expiry > now;
    }
  }
}
