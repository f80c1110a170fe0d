package dev.larch.core.push;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.JsonMapper;
import java.util.List;

/**
 * The server-default push rules of the current spec for one user, with the user's ID and localpart substituted.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#predefined-rules">client-server API v1.11,
 * "Predefined Rules"</a> ({@code .m.rule.is_user_mention} and {@code .m.rule.is_room_mention} of v1.7 included).
 */
public final class DefaultPushRules {
  /** The rule kinds in evaluation order. */
  public static final List<String> KINDS = List.of("override", "content", "room", "sender", "underride");

  private DefaultPushRules() {}

  /** The default rules of {@code userId} as {@code {kind: [rule, ...]}} with all five kinds. */
  public static ObjectNode forUser(String userId) {
    String localpart = userId.substring(1, userId.indexOf(':') < 0 ? userId.length() : userId.indexOf(':'));
    ObjectNode global = JsonMapper.shared().createObjectNode();
    ArrayNode override = global.putArray("override");
    override.add(rule(".m.rule.master", false, conditions(), actions()));
    override.add(rule(".m.rule.suppress_notices", true,
        conditions(eventMatch("content.msgtype", "m.notice")), actions()));
    override.add(rule(".m.rule.invite_for_me", true,
        conditions(eventMatch("type", "m.room.member"), eventMatch("content.membership", "invite"),
            eventMatch("state_key", userId)),
        actions("notify", sound("default"))));
    override.add(rule(".m.rule.member_event", true, conditions(eventMatch("type", "m.room.member")), actions()));
    override.add(rule(".m.rule.is_user_mention", true,
        conditions(property("event_property_contains", "content.m\\.mentions.user_ids", userId)),
        actions("notify", sound("default"), highlight())));
    override.add(rule(".m.rule.contains_display_name", true, conditions(kind("contains_display_name")),
        actions("notify", sound("default"), highlight())));
    ObjectNode roomMention = JsonMapper.shared().createObjectNode()
        .put("kind", "event_property_is").put("key", "content.m\\.mentions.room").put("value", true);
    override.add(rule(".m.rule.is_room_mention", true,
        conditions(roomMention, kind("sender_notification_permission").put("key", "room")),
        actions("notify", highlight())));
    override.add(rule(".m.rule.roomnotif", true,
        conditions(kind("sender_notification_permission").put("key", "room"), eventMatch("content.body", "@room")),
        actions("notify", highlight())));
    override.add(rule(".m.rule.tombstone", true,
        conditions(eventMatch("type", "m.room.tombstone"), eventMatch("state_key", "")),
        actions("notify", highlight())));
    override.add(rule(".m.rule.reaction", true, conditions(eventMatch("type", "m.reaction")), actions()));
    override.add(rule(".m.rule.server_acl", true,
        conditions(eventMatch("type", "m.room.server_acl"), eventMatch("state_key", "")), actions()));
    override.add(rule(".m.rule.suppress_edits", true,
        conditions(property("event_property_is", "content.m\\.relates_to.rel_type", "m.replace")), actions()));

    ArrayNode content = global.putArray("content");
    ObjectNode userName = rule(".m.rule.contains_user_name", true, null,
        actions("notify", sound("default"), highlight()));
    userName.put("pattern", localpart);
    content.add(userName);
    global.putArray("room");
    global.putArray("sender");

    ArrayNode underride = global.putArray("underride");
    underride.add(rule(".m.rule.call", true, conditions(eventMatch("type", "m.call.invite")),
        actions("notify", sound("ring"))));
    underride.add(rule(".m.rule.encrypted_room_one_to_one", true,
        conditions(kind("room_member_count").put("is", "2"), eventMatch("type", "m.room.encrypted")),
        actions("notify", sound("default"))));
    underride.add(rule(".m.rule.room_one_to_one", true,
        conditions(kind("room_member_count").put("is", "2"), eventMatch("type", "m.room.message")),
        actions("notify", sound("default"))));
    underride.add(rule(".m.rule.message", true, conditions(eventMatch("type", "m.room.message")),
        actions("notify")));
    underride.add(rule(".m.rule.encrypted", true, conditions(eventMatch("type", "m.room.encrypted")),
        actions("notify")));
    return global;
  }

  private static ObjectNode rule(String id, boolean enabled, ArrayNode conditions, ArrayNode actions) {
    ObjectNode rule = JsonMapper.shared().createObjectNode();
    rule.put("rule_id", id).put("default", true).put("enabled", enabled);
    if (conditions != null) {
      rule.set("conditions", conditions);
    }
    rule.set("actions", actions);
    return rule;
  }

  private static ArrayNode conditions(ObjectNode... conditions) {
    ArrayNode out = JsonMapper.shared().createArrayNode();
    for (ObjectNode condition : conditions) {
      out.add(condition);
    }
    return out;
  }

  private static ObjectNode kind(String kind) {
    return JsonMapper.shared().createObjectNode().put("kind", kind);
  }

  private static ObjectNode eventMatch(String key, String pattern) {
    return kind("event_match").put("key", key).put("pattern", pattern);
  }

  private static ObjectNode property(String kind, String key, String value) {
    return kind(kind).put("key", key).put("value", value);
  }

  private static ArrayNode actions(Object... actions) {
    ArrayNode out = JsonMapper.shared().createArrayNode();
    for (Object action : actions) {
      if (action instanceof String s) {
        out.add(s);
      } else {
        out.add((ObjectNode) action);
      }
    }
    return out;
  }

  private static ObjectNode sound(String value) {
    return JsonMapper.shared().createObjectNode().put("set_tweak", "sound").put("value", value);
  }

  private static ObjectNode highlight() {
    return JsonMapper.shared().createObjectNode().put("set_tweak", "highlight");
  }
}
