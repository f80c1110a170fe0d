package dev.larch.client.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.filter.Filter;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.ClientEvents;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.sync.DeviceSync;
import dev.larch.core.sync.SyncResult;
import dev.larch.core.sync.SyncResult.JoinedRoom;
import dev.larch.core.sync.SyncResult.LeftRoom;
import dev.larch.core.sync.SyncResult.Summary;
import dev.larch.core.sync.SyncResult.Timeline;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a {@link SyncResult} as the {@code /sync} response body for one device: room events in client format
 * without {@code room_id} (or federation format if the filter asks), cut to the filter's {@code event_fields}.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#get_matrixclientv3sync">client-server API
 * v1.11, {@code GET /sync}</a> (200 response) and "Filtering" ({@code event_fields}, {@code event_format}).
 * {@code unread_notifications} come from {@link SyncPushCounts} (zero without push services). The end-to-end encryption part ({@code to_device},
 * {@code device_lists}, {@code device_one_time_keys_count}, {@code device_unused_fallback_key_types}) comes from
 * {@link SyncResult#device()}.
 */
final class SyncResponseJson {
  private final ClientEvents events;
  private final String userId;
  private final String deviceId;
  private final Filter filter;
  private final SyncPushCounts push; // null: zero counts

  SyncResponseJson(ClientEvents events, String userId, String deviceId, Filter filter) {
    this(events, userId, deviceId, filter, null);
  }

  SyncResponseJson(ClientEvents events, String userId, String deviceId, Filter filter, SyncPushCounts push) {
    this.push = push;
    this.events = events;
    this.userId = userId;
    this.deviceId = deviceId;
    this.filter = filter;
  }

  ObjectNode write(SyncResult result) {
    return write(result, false);
  }

  /** As {@link #write(SyncResult)}; a first sync also carries {@code m.push_rules} if it has no stored one. */
  ObjectNode write(SyncResult result, boolean initial) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("next_batch", result.nextBatch().serialize());
    ObjectNode rooms = body.putObject("rooms");
    ObjectNode join = rooms.putObject("join");
    result.join().forEach((roomId, room) -> join.set(roomId, joined(roomId, room, result.nextBatch().events())));
    ObjectNode invite = rooms.putObject("invite");
    result.invite().forEach((roomId, room) ->
        invite.putObject(roomId).putObject("invite_state").set("events", array(room.inviteState())));
    ObjectNode leave = rooms.putObject("leave");
    result.leave().forEach((roomId, room) -> leave.set(roomId, left(room)));
    ObjectNode knock = rooms.putObject("knock");
    result.knock().forEach((roomId, room) ->
        knock.putObject(roomId).putObject("knock_state").set("events", array(room.knockState())));
    ArrayNode accountData = array(result.accountData());
    if (push != null && initial) {
      push.addPushRulesIfMissing(accountData, filter);
    }
    body.putObject("account_data").set("events", accountData);
    body.putObject("presence").set("events", array(result.presence()));
    DeviceSync device = result.device();
    ArrayNode toDevice = body.putObject("to_device").putArray("events");
    device.toDevice().forEach(toDevice::add);
    ObjectNode deviceLists = body.putObject("device_lists");
    ArrayNode changed = deviceLists.putArray("changed");
    device.changed().stream().sorted().forEach(changed::add);
    ArrayNode left = deviceLists.putArray("left");
    device.left().stream().sorted().forEach(left::add);
    ObjectNode counts = body.putObject("device_one_time_keys_count");
    device.oneTimeKeyCounts().forEach(counts::put);
    ArrayNode fallback = body.putArray("device_unused_fallback_key_types");
    device.unusedFallbackKeyTypes().forEach(fallback::add);
    return body;
  }

  private ObjectNode joined(String roomId, JoinedRoom room, long position) {
    ObjectNode out = JsonMapper.shared().createObjectNode();
    out.set("timeline", timeline(room.timeline()));
    out.putObject("state").set("events", roomEvents(room.state()));
    out.putObject("ephemeral").set("events", array(room.ephemeral()));
    out.putObject("account_data").set("events", array(room.accountData()));
    ObjectNode summary = out.putObject("summary");
    Summary s = room.summary();
    if (s != null) {
      ArrayNode heroes = summary.putArray("m.heroes");
      s.heroes().forEach(heroes::add);
      summary.put("m.joined_member_count", s.joinedMemberCount());
      summary.put("m.invited_member_count", s.invitedMemberCount());
    }
    ObjectNode unread = out.putObject("unread_notifications");
    if (push == null) {
      unread.put("highlight_count", 0);
      unread.put("notification_count", 0);
    } else {
      push.write(unread, roomId, position);
    }
    return out;
  }

  private ObjectNode left(LeftRoom room) {
    ObjectNode out = JsonMapper.shared().createObjectNode();
    out.set("timeline", timeline(room.timeline()));
    out.putObject("state").set("events", roomEvents(room.state()));
    out.putObject("account_data").set("events", array(room.accountData()));
    return out;
  }

  private ObjectNode timeline(Timeline timeline) {
    ObjectNode out = JsonMapper.shared().createObjectNode();
    out.set("events", roomEvents(timeline.events()));
    out.put("limited", timeline.limited());
    out.put("prev_batch", timeline.prevBatch());
    return out;
  }

  private ArrayNode roomEvents(List<StoredEvent> stored) {
    ArrayNode out = JsonMapper.shared().createArrayNode();
    if (filter.federationFormat()) {
      stored.forEach(e -> out.add(fields(e.pdu().json().deepCopy())));
      return out;
    }
    for (ObjectNode event : events.format(stored, userId, deviceId)) {
      event.remove("room_id");
      out.add(fields(event));
    }
    return out;
  }

  private ArrayNode array(List<ObjectNode> items) {
    ArrayNode out = JsonMapper.shared().createArrayNode();
    items.forEach(item -> out.add(fields(item)));
    return out;
  }

  /** The event cut to {@code event_fields}: each entry a dotted path, {@code \.} a literal dot. */
  private ObjectNode fields(ObjectNode event) {
    List<String> paths = filter.eventFields();
    if (paths == null) {
      return event;
    }
    ObjectNode out = JsonMapper.shared().createObjectNode();
    for (String path : paths) {
      List<String> keys = split(path);
      JsonNode value = event;
      for (String key : keys) {
        value = value == null ? null : value.get(key);
      }
      if (value == null || keys.isEmpty()) {
        continue;
      }
      ObjectNode target = out;
      for (String key : keys.subList(0, keys.size() - 1)) {
        target = target.get(key) instanceof ObjectNode existing ? existing : target.putObject(key);
      }
      target.set(keys.get(keys.size() - 1), value.deepCopy());
    }
    return out;
  }

  private static List<String> split(String path) {
    List<String> keys = new ArrayList<>();
    StringBuilder key = new StringBuilder();
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c == '\\' && i + 1 < path.length() && path.charAt(i + 1) == '.') {
        key.append('.');
        i++;
      } else if (c == '.') {
        keys.add(key.toString());
        key.setLength(0);
      } else {
        key.append(c);
      }
    }
    keys.add(key.toString());
    return keys;
  }
}
