package dev.larch.core.todevice;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.id.UserId;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.sync.SyncNotifier;
import dev.larch.core.user.AccountLifecycleListener;
import dev.larch.core.user.AccountStore;
import dev.larch.core.user.Device;
import dev.larch.core.user.Requester;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends to-device messages to local devices and hands each device its inbox for {@code /sync}.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#send-to-device-messaging">client-server API
 * v1.11, "Send-to-Device messaging"</a>. A send:
 *
 * <ol>
 *   <li>{@code messages} is a map of user ID to device ID (or {@code *}: all the user's devices) to content;
 *       anything else is {@code M_BAD_JSON}.
 *   <li>Messages for users of other servers go to {@link RemoteToDevice} (the federation sender), once per
 *       sending device and transaction ID; unknown local users and devices are skipped silently, as the spec
 *       allows.
 *   <li>All messages are stored under one stream position, once per sending device and transaction ID.
 *   <li>The recipients' long-polls are woken.
 * </ol>
 */
public final class ToDeviceService implements AccountLifecycleListener {
  /** At most this many messages go out in one {@code /sync}; the rest wait for the next. */
  public static final int SYNC_LIMIT = 100;

  private static final Logger log = LoggerFactory.getLogger(ToDeviceService.class);
  private static final int MAX_TYPE_LENGTH = 255;

  private final ToDeviceStore store;
  private final AccountStore accounts;
  private final SyncNotifier notifier;
  private final String serverName;
  private final RemoteToDevice remote;

  public ToDeviceService(ToDeviceStore store, AccountStore accounts, SyncNotifier notifier, String serverName) {
    this(store, accounts, notifier, serverName, RemoteToDevice.NONE);
  }

  /** With {@code remote} taking the messages for users of other servers. */
  public ToDeviceService(ToDeviceStore store, AccountStore accounts, SyncNotifier notifier, String serverName,
      RemoteToDevice remote) {
    this.remote = Objects.requireNonNull(remote, "remote");
    this.store = Objects.requireNonNull(store, "store");
    this.accounts = Objects.requireNonNull(accounts, "accounts");
    this.notifier = Objects.requireNonNull(notifier, "notifier");
    this.serverName = Objects.requireNonNull(serverName, "serverName");
  }

  /** {@code PUT /sendToDevice/{eventType}/{txnId}}: sends {@code messages} (the body's {@code messages}). */
  public void send(Requester sender, String eventType, String txnId, JsonNode messages) {
    if (eventType.isEmpty() || eventType.length() > MAX_TYPE_LENGTH) {
      throw MatrixException.invalidParam("Invalid event type");
    }
    if (messages == null || !messages.isObject()) {
      throw MatrixException.badJson("messages must be an object");
    }
    List<ToDeviceMessage> out = new ArrayList<>();
    Map<String, Map<String, ObjectNode>> remoteMessages = new LinkedHashMap<>();
    Set<String> recipients = new LinkedHashSet<>();
    for (Map.Entry<String, JsonNode> user : messages.properties()) {
      if (!user.getValue().isObject()) {
        throw MatrixException.badJson("messages." + user.getKey() + " must be an object");
      }
      Map<String, ObjectNode> byDevice = byDevice(user.getKey(), user.getValue());
      UserId userId = UserId.tryParse(user.getKey())
          .orElseThrow(() -> MatrixException.invalidParam("Invalid user ID in messages"));
      if (!userId.serverName().value().equals(serverName)) {
        remoteMessages.put(user.getKey(), byDevice);
        continue;
      }
      resolve(user.getKey(), byDevice).forEach((deviceId, content) -> out.add(
          new ToDeviceMessage(user.getKey(), deviceId, sender.userId(), eventType, content, 0)));
      recipients.add(user.getKey());
    }
    String senderDevice = sender.deviceId() == null ? "" : sender.deviceId();
    boolean stored = store.send(sender.userId(), senderDevice, txnId, out);
    log.debug("to-device sent type={} messages={} new={}", eventType, out.size(), stored);
    if (stored) {
      recipients.forEach(notifier::notifyUser);
      if (!remoteMessages.isEmpty()) {
        remote.send(sender.userId(), eventType, remoteMessages);
      }
    }
  }

  /**
   * Messages from another server ({@code m.direct_to_device} EDU) for local devices: stored once per sender and
   * {@code messageId} (a server retries transactions), recipients of other servers ignored, {@code *} expanded.
   * The caller has checked that the sending server owns {@code sender}. Returns how many messages were stored.
   *
   * @param messages user ID to device ID (or {@code *}) to content
   * @throws MatrixException {@code M_BAD_JSON} if {@code messages} is not that shape
   */
  public int receiveRemote(String sender, String eventType, String messageId, JsonNode messages) {
    if (eventType.isEmpty() || eventType.length() > MAX_TYPE_LENGTH) {
      throw MatrixException.invalidParam("Invalid event type");
    }
    if (messages == null || !messages.isObject()) {
      throw MatrixException.badJson("messages must be an object");
    }
    List<ToDeviceMessage> out = new ArrayList<>();
    Set<String> recipients = new LinkedHashSet<>();
    for (Map.Entry<String, JsonNode> user : messages.properties()) {
      boolean local = UserId.tryParse(user.getKey())
          .map(u -> u.serverName().value().equals(serverName)).orElse(false);
      if (!local || !user.getValue().isObject()) {
        continue;
      }
      resolve(user.getKey(), byDevice(user.getKey(), user.getValue())).forEach((deviceId, content) -> out.add(
          new ToDeviceMessage(user.getKey(), deviceId, sender, eventType, content, 0)));
      recipients.add(user.getKey());
    }
    // A remote sender has no device here: its transaction IDs are the EDU's message IDs, under device "".
    if (!store.send(sender, "", messageId, out)) {
      return 0;
    }
    recipients.forEach(notifier::notifyUser);
    return out.size();
  }

  /** One inbox read for {@code /sync}: the events, and the position the next token should carry. */
  public record Inbox(List<ObjectNode> events, long upTo) {}

  /**
   * The device's messages for one sync: deletes those up to {@code acknowledged} (the {@code since} token's part;
   * 0 for an initial sync, which deletes nothing), then returns up to {@link #SYNC_LIMIT} of those in
   * {@code (acknowledged, now]}.
   */
  public Inbox inbox(String userId, String deviceId, long acknowledged, long now) {
    if (deviceId == null) {
      return new Inbox(List.of(), now);
    }
    if (acknowledged > 0) {
      store.acknowledge(userId, deviceId, acknowledged);
    }
    List<ToDeviceMessage> messages = store.inbox(userId, deviceId, acknowledged, now, SYNC_LIMIT);
    List<ObjectNode> events = new ArrayList<>(messages.size());
    for (ToDeviceMessage message : messages) {
      ObjectNode event = JsonMapper.shared().createObjectNode();
      event.put("sender", message.sender());
      event.put("type", message.type());
      event.set("content", message.content());
      events.add(event);
    }
    long upTo = messages.size() < SYNC_LIMIT ? now : messages.get(messages.size() - 1).streamPosition();
    return new Inbox(events, Math.max(upTo, acknowledged));
  }

  /** The current position of the to-device stream. */
  public long position() {
    return store.latestPosition();
  }

  @Override
  public void devicesDeleted(String userId, Collection<String> deviceIds) {
    store.deleteDevices(userId, deviceIds);
  }

  @Override
  public void accountDeactivated(String userId) {
    store.deleteUser(userId);
  }

  private static Map<String, ObjectNode> byDevice(String userId, JsonNode devices) {
    Map<String, ObjectNode> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> device : devices.properties()) {
      if (!(device.getValue() instanceof ObjectNode content)) {
        throw MatrixException.badJson("messages." + userId + "." + device.getKey() + " must be an object");
      }
      out.put(device.getKey(), content);
    }
    return out;
  }

  /** Device ID to content, with {@code *} expanded to the user's devices (an explicit device ID wins). */
  private Map<String, ObjectNode> resolve(String userId, Map<String, ObjectNode> byDevice) {
    Map<String, ObjectNode> out = new LinkedHashMap<>();
    ObjectNode all = byDevice.get("*");
    List<Device> devices = accounts.devices(userId);
    for (Device device : devices) {
      ObjectNode content = byDevice.getOrDefault(device.deviceId(), all);
      if (content != null) {
        out.put(device.deviceId(), content);
      }
    }
    return out;
  }
}
