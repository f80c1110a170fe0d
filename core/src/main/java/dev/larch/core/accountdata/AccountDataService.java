package dev.larch.core.accountdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.id.RoomId;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.sync.SyncNotifier;
import dev.larch.core.user.AccountDataStore;
import java.util.Objects;
import java.util.Set;

/**
 * A user's account data, global and per room, and the room tags kept in it as {@code m.tag}: own data only, and
 * each change wakes the user's pending syncs.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#client-config">client-server API v1.11,
 * "Client Config"</a> and <a href="https://spec.matrix.org/v1.11/client-server-api/#room-tagging">"Room
 * Tagging"</a>.
 */
public final class AccountDataService {
  /** The types the server controls: clients may read but not write them through the account data endpoints. */
  static final Set<String> SERVER_CONTROLLED = Set.of("m.fully_read", "m.push_rules");

  static final String TAG_TYPE = "m.tag";

  private final AccountDataStore store;
  private final SyncNotifier notifier;

  public AccountDataService(AccountDataStore store, SyncNotifier notifier) {
    this.store = Objects.requireNonNull(store, "store");
    this.notifier = Objects.requireNonNull(notifier, "notifier");
  }

  /** One item of {@code userId}'s account data; {@code roomId} null means global. {@code M_NOT_FOUND} if unset. */
  public ObjectNode get(String requester, String userId, String roomId, String type) {
    requireSelf(requester, userId, roomId);
    return store.get(userId, roomId, type).orElseThrow(() -> MatrixException.notFound("Account data not found"));
  }

  /** Sets one item of the requester's own account data; server-controlled types are refused with HTTP 405. */
  public void put(String requester, String userId, String roomId, String type, JsonNode content) {
    requireSelf(requester, userId, roomId);
    if (SERVER_CONTROLLED.contains(type)) {
      throw new ServerControlledType(type);
    }
    if (content == null || !content.isObject()) {
      throw MatrixException.badJson("Account data content must be a JSON object");
    }
    putAsServer(userId, roomId, type, (ObjectNode) content);
  }

  /** Sets an item without the client checks: for the server's own types, such as {@code m.fully_read}. */
  public void putAsServer(String userId, String roomId, String type, ObjectNode content) {
    store.put(userId, roomId, type, content);
    notifier.notifyUser(userId);
  }

  /** The room's tags for the user: {@code {"tags": {tag: {"order": ...}}}}. */
  public ObjectNode tags(String requester, String userId, String roomId) {
    requireSelf(requester, userId, roomId);
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.set("tags", currentTags(userId, roomId));
    return body;
  }

  /** Adds or replaces one tag; the body may carry a numeric {@code order}. */
  public void putTag(String requester, String userId, String roomId, String tag, JsonNode body) {
    requireSelf(requester, userId, roomId);
    if (tag.isEmpty() || tag.length() > 255) {
      throw MatrixException.invalidParam("Tag names must be 1 to 255 characters");
    }
    if (body == null || !body.isObject()) {
      throw MatrixException.badJson("Tag content must be a JSON object");
    }
    JsonNode order = body.get("order");
    if (order != null && !order.isNull() && !order.isNumber()) {
      throw MatrixException.badJson("order must be a number");
    }
    synchronized (this) {
      ObjectNode tags = currentTags(userId, roomId);
      tags.set(tag, body.deepCopy());
      writeTags(userId, roomId, tags);
    }
  }

  /** Removes one tag; removing a tag the room does not have succeeds. */
  public void deleteTag(String requester, String userId, String roomId, String tag) {
    requireSelf(requester, userId, roomId);
    synchronized (this) {
      ObjectNode tags = currentTags(userId, roomId);
      if (tags.remove(tag) != null) {
        writeTags(userId, roomId, tags);
      }
    }
  }

  private ObjectNode currentTags(String userId, String roomId) {
    return store.get(userId, roomId, TAG_TYPE)
        .map(content -> content.get("tags"))
        .filter(JsonNode::isObject)
        .map(tags -> (ObjectNode) tags.deepCopy())
        .orElseGet(() -> JsonMapper.shared().createObjectNode());
  }

  private void writeTags(String userId, String roomId, ObjectNode tags) {
    ObjectNode content = JsonMapper.shared().createObjectNode();
    content.set("tags", tags);
    putAsServer(userId, roomId, TAG_TYPE, content);
  }

  private static void requireSelf(String requester, String userId, String roomId) {
    if (!requester.equals(userId)) {
      throw MatrixException.forbidden("Cannot access the account data of other users");
    }
    if (roomId != null) {
      RoomId.parse(roomId);
    }
  }

  /** {@code M_BAD_JSON} with HTTP 405, as the spec answers a client writing a server-controlled type. */
  static final class ServerControlledType extends MatrixException {
    private static final long serialVersionUID = 1L;

    ServerControlledType(String type) {
      super(ErrorCode.BAD_JSON, "Cannot set " + type + " through this API", java.util.Map.of(), null);
    }

    @Override
    public int httpStatus() {
      return 405;
    }
  }
}
