package dev.larch.core.federation.edu;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.id.UserId;
import dev.larch.core.keys.KeyService;
import dev.larch.core.presence.PresenceService;
import dev.larch.core.receipt.Receipt;
import dev.larch.core.receipt.ReceiptService;
import dev.larch.core.todevice.ToDeviceService;
import dev.larch.core.typing.TypingService;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link EduReceiver} over the services: each EDU type goes to the service that owns that data, after checking
 * that the sending server speaks only for its own users.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/server-server-api/#edus">server-server API v1.11, "EDUs"</a>.
 * Per type:
 *
 * <ul>
 *   <li>{@code m.typing}: the user is the origin's and joined to the room here ({@link TypingService}).
 *   <li>{@code m.receipt}: {@code m.read} receipts of the origin's users joined to each room
 *       ({@link ReceiptService}); other receipt types are ignored.
 *   <li>{@code m.presence}: each pushed update of one of the origin's users ({@link PresenceService}).
 *   <li>{@code m.direct_to_device}: from one of the origin's users, stored for the local recipients' devices once
 *       per {@code message_id} ({@link ToDeviceService}).
 *   <li>{@code m.device_list_update}, {@code m.signing_key_update}: one of the origin's users changed keys; local
 *       users sharing a room see it in {@code device_lists.changed} ({@link KeyService}) and the remote key cache
 *       forgets the user.
 * </ul>
 *
 * <p>Anything else (another server's user, a malformed EDU, an unknown type) is dropped with a log line; nothing
 * is thrown, so one bad EDU costs its sender only itself.
 */
public final class FederationEduReceiver implements EduReceiver {
  private static final Logger log = LoggerFactory.getLogger(FederationEduReceiver.class);

  private final TypingService typing;
  private final ReceiptService receipts;
  private final PresenceService presence;
  private final ToDeviceService toDevice;
  private final KeyService keys;
  private final RemoteKeyCache keyCache;

  public FederationEduReceiver(TypingService typing, ReceiptService receipts, PresenceService presence,
      ToDeviceService toDevice, KeyService keys, RemoteKeyCache keyCache) {
    this.typing = Objects.requireNonNull(typing, "typing");
    this.receipts = Objects.requireNonNull(receipts, "receipts");
    this.presence = Objects.requireNonNull(presence, "presence");
    this.toDevice = Objects.requireNonNull(toDevice, "toDevice");
    this.keys = Objects.requireNonNull(keys, "keys");
    this.keyCache = Objects.requireNonNull(keyCache, "keyCache");
  }

  @Override
  public void receive(String origin, String eduType, JsonNode content) {
    try {
      if (content == null || !content.isObject()) {
        drop(origin, eduType, "content is not an object");
        return;
      }
      switch (eduType == null ? "" : eduType) {
        case "m.typing" -> typing(origin, content);
        case "m.receipt" -> receipts(origin, content);
        case "m.presence" -> presence(origin, content);
        case "m.direct_to_device" -> toDevice(origin, content);
        case "m.device_list_update", "m.signing_key_update" -> deviceList(origin, eduType, content);
        default -> log.debug("edu of unknown type ignored origin={} type={}", origin, eduType);
      }
    } catch (MatrixException e) {
      drop(origin, eduType, e.getMessage());
    } catch (RuntimeException e) {
      // Our bug (or storage trouble), not the peer's: loud, but it still must not fail the transaction.
      log.error("edu handling failed origin={} type={}", origin, eduType, e);
    }
  }

  private void typing(String origin, JsonNode content) {
    String roomId = text(content, "room_id");
    String userId = text(content, "user_id");
    JsonNode isTyping = content.get("typing");
    if (roomId == null || userId == null || isTyping == null || !isTyping.isBoolean()) {
      drop(origin, "m.typing", "room_id, user_id and typing are required");
    } else if (!ownedBy(userId, origin)) {
      drop(origin, "m.typing", "user " + userId + " is not the origin's");
    } else if (!typing.setRemoteTyping(userId, roomId, isTyping.booleanValue())) {
      drop(origin, "m.typing", "user " + userId + " is not joined to " + roomId);
    }
  }

  private void receipts(String origin, JsonNode content) {
    for (Map.Entry<String, JsonNode> room : content.properties()) {
      JsonNode read = room.getValue().get(Receipt.READ);
      if (read == null || !read.isObject()) {
        continue;
      }
      for (Map.Entry<String, JsonNode> user : read.properties()) {
        String userId = user.getKey();
        JsonNode eventIds = user.getValue().get("event_ids");
        JsonNode data = user.getValue().path("data");
        if (!ownedBy(userId, origin)) {
          drop(origin, "m.receipt", "user " + userId + " is not the origin's");
          continue;
        }
        if (eventIds == null || !eventIds.isArray() || eventIds.isEmpty() || !eventIds.get(0).isTextual()) {
          drop(origin, "m.receipt", "event_ids missing");
          continue;
        }
        String threadId = data.path("thread_id").isTextual() ? data.get("thread_id").textValue() : null;
        long ts = data.path("ts").canConvertToLong() ? data.get("ts").longValue() : 0;
        String eventId = eventIds.get(eventIds.size() - 1).asText();
        if (!receipts.putRemote(userId, room.getKey(), eventId, threadId, ts)) {
          drop(origin, "m.receipt", "user " + userId + " is not joined to " + room.getKey());
        }
      }
    }
  }

  private void presence(String origin, JsonNode content) {
    JsonNode push = content.get("push");
    if (push == null || !push.isArray()) {
      drop(origin, "m.presence", "push is required");
      return;
    }
    for (JsonNode update : push) {
      String userId = text(update, "user_id");
      String state = text(update, "presence");
      if (userId == null || state == null) {
        drop(origin, "m.presence", "user_id and presence are required");
      } else if (!ownedBy(userId, origin)) {
        drop(origin, "m.presence", "user " + userId + " is not the origin's");
      } else {
        long ago = update.path("last_active_ago").canConvertToLong() ? update.get("last_active_ago").longValue() : 0;
        if (!presence.putRemote(userId, state, text(update, "status_msg"), ago)) {
          drop(origin, "m.presence", "unknown presence " + state);
        }
      }
    }
  }

  private void toDevice(String origin, JsonNode content) {
    String sender = text(content, "sender");
    String type = text(content, "type");
    String messageId = text(content, "message_id");
    if (sender == null || type == null || messageId == null) {
      drop(origin, "m.direct_to_device", "sender, type and message_id are required");
    } else if (!ownedBy(sender, origin)) {
      drop(origin, "m.direct_to_device", "sender " + sender + " is not the origin's");
    } else {
      int stored = toDevice.receiveRemote(sender, type, messageId, content.get("messages"));
      log.debug("to-device from federation origin={} sender={} stored={}", origin, sender, stored);
    }
  }

  private void deviceList(String origin, String eduType, JsonNode content) {
    String userId = text(content, "user_id");
    if (userId == null) {
      drop(origin, eduType, "user_id is required");
    } else if (!ownedBy(userId, origin)) {
      drop(origin, eduType, "user " + userId + " is not the origin's");
    } else {
      keyCache.invalidate(userId);
      if (!keys.remoteDeviceListChanged(userId)) {
        log.debug("device list update for a user sharing no room ignored origin={} user={}", origin, userId);
      }
    }
  }

  /** Whether {@code userId} is a user ID of server {@code origin}. */
  private static boolean ownedBy(String userId, String origin) {
    return UserId.tryParse(userId).map(u -> u.serverName().value().equals(origin)).orElse(false);
  }

  private static String text(JsonNode node, String field) {
    JsonNode value = node.get(field);
    return value != null && value.isTextual() ? value.textValue() : null;
  }

  private static void drop(String origin, String eduType, String why) {
    log.debug("edu dropped origin={} type={}: {}", origin, eduType, why);
  }
}
