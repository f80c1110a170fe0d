package dev.larch.core.federation.edu;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.federation.send.FederationSender;
import dev.larch.core.id.UserId;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.keys.CrossSigningKeyType;
import dev.larch.core.keys.CrossSigningKeys;
import dev.larch.core.keys.DeviceKeyStore;
import dev.larch.core.keys.DeviceListListener;
import dev.larch.core.keys.DeviceListStore;
import dev.larch.core.keys.KeySignature;
import dev.larch.core.presence.PresenceListener;
import dev.larch.core.receipt.Receipt;
import dev.larch.core.receipt.ReceiptListener;
import dev.larch.core.todevice.RemoteToDevice;
import dev.larch.core.typing.TypingListener;
import dev.larch.core.user.AccountStore;
import dev.larch.core.user.Device;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The EDUs this server sends, built from what its services report and handed to the {@link FederationSender}:
 * typing, receipts and presence as ephemeral EDUs (the newest replaces one not yet sent), to-device messages,
 * device-list and signing-key updates durably. Only this server's users' changes go out.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/server-server-api/#edus">server-server API v1.11, "EDUs"</a>,
 * "Typing Notifications" (to the servers in the room), "Receipts" (likewise; private receipts never leave),
 * "Presence" (to servers sharing a room with the user), "Send-to-device messaging" (one EDU per server) and
 * "Device Management" ({@code m.device_list_update} with {@code stream_id}/{@code prev_id}, to servers sharing a
 * room) and "End-to-End Encryption" ({@code m.signing_key_update}, master and self-signing keys only).
 *
 * <p>Every method swallows and logs failures: a client's request has already succeeded when they are called.
 */
public final class OutboundEdus
    implements TypingListener, ReceiptListener, PresenceListener, RemoteToDevice, DeviceListListener {
  private static final Logger log = LoggerFactory.getLogger(OutboundEdus.class);

  private final String serverName;
  private final FederationSender sender;
  private final DeviceKeyStore keys;
  private final DeviceListStore deviceLists;
  private final AccountStore accounts;
  private final Random random;

  /** @param random makes {@code message_id}s of to-device EDUs */
  public OutboundEdus(String serverName, FederationSender sender, DeviceKeyStore keys, DeviceListStore deviceLists,
      AccountStore accounts, Random random) {
    this.serverName = Objects.requireNonNull(serverName, "serverName");
    this.sender = Objects.requireNonNull(sender, "sender");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.deviceLists = Objects.requireNonNull(deviceLists, "deviceLists");
    this.accounts = Objects.requireNonNull(accounts, "accounts");
    this.random = Objects.requireNonNull(random, "random");
  }

  @Override
  public void typingChanged(String roomId, String userId, boolean typing) {
    if (!isLocal(userId)) {
      return;
    }
    guarded("m.typing", userId, () -> {
      ObjectNode content = JsonMapper.shared().createObjectNode();
      content.put("room_id", roomId);
      content.put("user_id", userId);
      content.put("typing", typing);
      sender.sendEphemeral(sender.joinedServers(roomId), "m.typing " + roomId + " " + userId, "m.typing", content);
    });
  }

  @Override
  public void receiptSent(Receipt receipt) {
    if (!isLocal(receipt.userId()) || receipt.isPrivate()) {
      return;
    }
    guarded("m.receipt", receipt.userId(), () -> {
      ObjectNode content = JsonMapper.shared().createObjectNode();
      ObjectNode entry = content.putObject(receipt.roomId()).putObject(Receipt.READ).putObject(receipt.userId());
      entry.putArray("event_ids").add(receipt.eventId());
      ObjectNode data = entry.putObject("data");
      data.put("ts", receipt.ts());
      if (receipt.threadId() != null) {
        data.put("thread_id", receipt.threadId());
      }
      String key = "m.receipt " + receipt.roomId() + " " + receipt.userId() + " " + receipt.threadId();
      sender.sendEphemeral(sender.joinedServers(receipt.roomId()), key, "m.receipt", content);
    });
  }

  @Override
  public void presenceChanged(String userId, ObjectNode status) {
    if (!isLocal(userId)) {
      return;
    }
    guarded("m.presence", userId, () -> {
      ObjectNode update = JsonMapper.shared().createObjectNode();
      update.put("user_id", userId);
      update.set("presence", status.get("presence"));
      update.put("last_active_ago", status.path("last_active_ago").asLong(0));
      update.put("currently_active", status.path("currently_active").asBoolean(false));
      if (status.hasNonNull("status_msg")) {
        update.set("status_msg", status.get("status_msg"));
      }
      ObjectNode content = JsonMapper.shared().createObjectNode();
      content.putArray("push").add(update);
      sender.sendEphemeral(serversSharingRoomWith(userId), "m.presence " + userId, "m.presence", content);
    });
  }

  @Override
  public void send(String senderId, String eventType, Map<String, Map<String, ObjectNode>> messages) {
    // One EDU per server, queued durably before the client's request returns.
    Map<String, ObjectNode> byServer = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, ObjectNode>> user : messages.entrySet()) {
      Optional<String> server = serverOf(user.getKey());
      if (server.isEmpty() || server.get().equals(serverName)) {
        continue;
      }
      ObjectNode devices = byServer.computeIfAbsent(server.get(), s -> JsonMapper.shared().createObjectNode())
          .putObject(user.getKey());
      user.getValue().forEach(devices::set);
    }
    byServer.forEach((server, userMessages) -> guarded("m.direct_to_device", senderId, () -> {
      ObjectNode content = JsonMapper.shared().createObjectNode();
      content.put("sender", senderId);
      content.put("type", eventType);
      content.put("message_id", messageId());
      content.set("messages", userMessages);
      sender.sendDurable(List.of(server), "m.direct_to_device", content);
    }));
  }

  @Override
  public void devicesChanged(String userId, Collection<String> deviceIds) {
    if (!isLocal(userId)) {
      return;
    }
    guarded("m.device_list_update", userId, () -> {
      Set<String> destinations = serversSharingRoomWith(userId);
      if (destinations.isEmpty()) {
        return;
      }
      // stream_id: the user's latest change in the device-list stream (what GET /user/devices reports too);
      // prev_id: the change before it, so a server that missed one resyncs.
      List<Long> positions = deviceLists.changePositions(userId, 2);
      long streamId = positions.isEmpty() ? 0 : positions.get(0);
      Map<String, ObjectNode> deviceKeys = keys.deviceKeys(userId);
      List<KeySignature> signatures = keys.signatures(userId);
      Map<String, Device> devices = new LinkedHashMap<>();
      accounts.devices(userId).forEach(d -> devices.put(d.deviceId(), d));
      for (String deviceId : new TreeSet<>(deviceIds)) {
        ObjectNode content = JsonMapper.shared().createObjectNode();
        content.put("user_id", userId);
        content.put("device_id", deviceId);
        content.put("stream_id", streamId);
        var prev = content.putArray("prev_id");
        if (positions.size() > 1) {
          prev.add(positions.get(1));
        }
        Device device = devices.get(deviceId);
        if (device == null) {
          content.put("deleted", true);
        } else {
          if (device.displayName() != null) {
            content.put("device_display_name", device.displayName());
          }
          ObjectNode stored = deviceKeys.get(deviceId);
          if (stored != null) {
            content.set("keys", CrossSigningKeys.withSignatures(stored, userId, deviceId, signatures, userId));
          }
        }
        sender.sendDurable(destinations, "m.device_list_update", content);
      }
    });
  }

  @Override
  public void crossSigningKeysChanged(String userId) {
    if (!isLocal(userId)) {
      return;
    }
    guarded("m.signing_key_update", userId, () -> {
      Set<String> destinations = serversSharingRoomWith(userId);
      if (destinations.isEmpty()) {
        return;
      }
      // As another server's user sees them: the user-signing key and others' signatures stay private.
      Map<CrossSigningKeyType, ObjectNode> visible =
          CrossSigningKeys.forViewer(keys.crossSigningKeys(userId), userId, keys.signatures(userId), "");
      ObjectNode content = JsonMapper.shared().createObjectNode();
      content.put("user_id", userId);
      if (visible.containsKey(CrossSigningKeyType.MASTER)) {
        content.set("master_key", visible.get(CrossSigningKeyType.MASTER));
      }
      if (visible.containsKey(CrossSigningKeyType.SELF_SIGNING)) {
        content.set("self_signing_key", visible.get(CrossSigningKeyType.SELF_SIGNING));
      }
      sender.sendDurable(destinations, "m.signing_key_update", content);
    });
  }

  /** The other servers of the users sharing a joined room with {@code userId}. */
  private Set<String> serversSharingRoomWith(String userId) {
    Set<String> servers = new TreeSet<>();
    for (String user : deviceLists.usersSharingRoomWith(userId)) {
      serverOf(user).ifPresent(servers::add);
    }
    servers.remove(serverName);
    return servers;
  }

  private String messageId() {
    byte[] bytes = new byte[16];
    random.nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  private boolean isLocal(String userId) {
    return serverOf(userId).map(serverName::equals).orElse(false);
  }

  private static Optional<String> serverOf(String userId) {
    return UserId.tryParse(userId).map(u -> u.serverName().value());
  }

  private static void guarded(String eduType, String userId, Runnable work) {
    try {
      work.run();
    } catch (RuntimeException e) {
      log.error("cannot queue edu type={} user={}", eduType, userId, e);
    }
  }
}
