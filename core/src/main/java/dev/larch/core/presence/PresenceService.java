package dev.larch.core.presence;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.sync.SyncNotifier;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Users' presence (online, unavailable, offline, with a status message), in memory: set by
 * {@code PUT /presence/{userId}/status} and by {@code /sync}'s {@code set_presence}, delivered in sync.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#presence">client-server API v1.11,
 * "Presence"</a>.
 *
 * <p>Implementation notes: like typing, presence is not stored; positions start at the clock's epoch milliseconds
 * so tokens from before a restart stay below every later position. Only a change of state or status message takes a
 * new position and wakes syncs; a sync that merely keeps a user online refreshes {@code last_active} silently, or
 * every long-poll would wake itself.
 */
public final class PresenceService {
  private static final Logger log = LoggerFactory.getLogger(PresenceService.class);

  static final Set<String> STATES = Set.of("online", "unavailable", "offline");

  private final SyncNotifier notifier;
  private final Clock clock;
  private final PresenceListener listener;
  private final Map<String, Status> statuses = new ConcurrentHashMap<>();
  private long position; // guarded by this

  public PresenceService(SyncNotifier notifier, Clock clock) {
    this(notifier, clock, PresenceListener.NONE);
  }

  /** With {@code listener} told of each change of a local user (the federation sender's {@code m.presence}). */
  public PresenceService(SyncNotifier notifier, Clock clock, PresenceListener listener) {
    this.listener = Objects.requireNonNull(listener, "listener");
    this.notifier = Objects.requireNonNull(notifier, "notifier");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.position = clock.millis();
  }

  /** {@code PUT /presence/{userId}/status}: the requester's own presence and status message. */
  public void put(String requester, String userId, JsonNode body) {
    if (!requester.equals(userId)) {
      throw MatrixException.forbidden("Cannot set the presence of other users");
    }
    if (body == null || !body.isObject()) {
      throw MatrixException.badJson("Body must be a JSON object");
    }
    JsonNode presence = body.get("presence");
    if (presence == null || !presence.isTextual()) {
      throw MatrixException.badJson("presence must be a string");
    }
    if (!STATES.contains(presence.textValue())) {
      throw MatrixException.invalidParam("presence must be online, unavailable or offline");
    }
    JsonNode statusMsg = body.get("status_msg");
    if (statusMsg != null && !statusMsg.isNull() && !statusMsg.isTextual()) {
      throw MatrixException.badJson("status_msg must be a string");
    }
    String message = statusMsg == null || statusMsg.isNull() ? null : statusMsg.textValue();
    update(userId, presence.textValue(), message);
  }

  /**
   * A sync of {@code userId} with {@code set_presence} (null: {@code online}): {@code online} brings an offline (or
   * never seen) user online and otherwise keeps the state the user chose; {@code unavailable} sets it; {@code offline}
   * from a sync changes nothing, as the user may be online on another device. The status message is kept.
   */
  public void onSync(String userId, String setPresence) {
    String state = setPresence == null ? "online" : setPresence;
    if (!STATES.contains(state)) {
      throw MatrixException.invalidParam("set_presence must be online, unavailable or offline");
    }
    if (state.equals("offline")) {
      return;
    }
    Status current = statuses.get(userId);
    if (state.equals("online") && current != null && !current.state.equals("offline")) {
      // A plain sync keeps what the user chose (e.g. unavailable via PUT), refreshing only last_active.
      statuses.put(userId, new Status(current.state, current.statusMsg, clock.millis(), current.position));
      return;
    }
    update(userId, state, current == null ? null : current.statusMsg);
  }

  /**
   * A presence update from another server (an entry of an {@code m.presence} EDU's {@code push}); the caller has
   * checked that the sending server owns the user. Returns false (and changes nothing) for an unknown state.
   *
   * @param statusMsg the status message, or null for none
   * @param lastActiveAgoMs how long ago the user was last active, by the remote server's account
   */
  public boolean putRemote(String userId, String state, String statusMsg, long lastActiveAgoMs) {
    if (!STATES.contains(state)) {
      return false;
    }
    store(userId, state, statusMsg, clock.millis() - Math.max(0, lastActiveAgoMs));
    return true;
  }

  /** {@code GET /presence/{userId}/status}: the user's presence, {@code offline} if never seen. */
  public ObjectNode get(String userId) {
    Status status = statuses.get(userId);
    ObjectNode body = JsonMapper.shared().createObjectNode();
    if (status == null) {
      body.put("presence", "offline");
      return body;
    }
    long now = clock.millis();
    body.put("presence", status.state);
    body.put("last_active_ago", Math.max(0, now - status.lastActiveTs));
    body.put("currently_active", status.state.equals("online"));
    if (status.statusMsg != null) {
      body.put("status_msg", status.statusMsg);
    }
    return body;
  }

  /** The current presence stream position, for sync tokens. */
  public synchronized long position() {
    return position;
  }

  /** The user's {@code m.presence} event if it changed after {@code since} (0: if known at all), else empty. */
  public Optional<ObjectNode> presenceEvent(String userId, long since) {
    Status status = statuses.get(userId);
    if (status == null || status.position <= since) {
      return Optional.empty();
    }
    ObjectNode event = JsonMapper.shared().createObjectNode();
    event.put("type", "m.presence");
    event.put("sender", userId);
    event.set("content", get(userId));
    return Optional.of(event);
  }

  private void update(String userId, String state, String statusMsg) {
    if (store(userId, state, statusMsg, clock.millis())) {
      try {
        listener.presenceChanged(userId, get(userId));
      } catch (RuntimeException e) {
        log.error("presence listener failed user={}", userId, e);
      }
    }
  }

  /** Stores a status; true (and syncs are woken) if its state or message changed. */
  private boolean store(String userId, String state, String statusMsg, long lastActiveTs) {
    boolean changed;
    synchronized (this) {
      Status current = statuses.get(userId);
      changed = current == null || !current.state.equals(state) || !Objects.equals(current.statusMsg, statusMsg);
      long statusPosition = changed ? ++position : current.position;
      statuses.put(userId, new Status(state, statusMsg, lastActiveTs, statusPosition));
    }
    if (changed) {
      notifier.notifyUser(userId);
    }
    return changed;
  }

  private record Status(String state, String statusMsg, long lastActiveTs, long position) {}
}
