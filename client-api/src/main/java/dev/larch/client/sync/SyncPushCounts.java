package dev.larch.client.sync;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.client.push.PushServices;
import dev.larch.core.filter.Filter;
import dev.larch.core.push.NotificationCounter;
import dev.larch.core.push.PushRuleService;

/**
 * The push part of one sync response: per-room {@code unread_notifications} and, on a first sync, the
 * {@code m.push_rules} account data event when the user never changed their rules (so none is stored).
 *
 * <p>Spec: client-server API v1.11, "Receiving notifications" and "Push Rules".
 */
final class SyncPushCounts {
  private final PushServices push;
  private final String userId;
  private ObjectNode global; // read once per response

  SyncPushCounts(PushServices push, String userId) {
    this.push = push;
    this.userId = userId;
  }

  void write(ObjectNode unread, String roomId, long position) {
    if (global == null) {
      global = push.rules().global(userId);
    }
    NotificationCounter.Counts counts = push.counter().counts(userId, roomId, position, global);
    unread.put("highlight_count", counts.highlights());
    unread.put("notification_count", counts.notifications());
  }

  void addPushRulesIfMissing(ArrayNode accountData, Filter filter) {
    for (JsonNode event : accountData) {
      if (PushRuleService.TYPE.equals(event.path("type").asText())) {
        return;
      }
    }
    if (filter.accountData().matchesType(PushRuleService.TYPE)) {
      accountData.add(push.rules().accountDataEvent(userId));
    }
  }
}
