package dev.larch.core.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Evaluates a push rule set on one event: the first enabled rule (override, content, room, sender, underride) whose
 * conditions all hold decides the actions. Pure: everything it reads is passed in.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#push-rules">client-server API v1.11, "Push
 * Rules"</a>: {@code event_match} (glob, case-insensitive, whole value; word-boundary on {@code content.body}),
 * {@code event_property_is}, {@code event_property_contains}, {@code contains_display_name},
 * {@code room_member_count} ({@code ==, <, >, <=, >=}) and {@code sender_notification_permission}. Unknown
 * condition kinds never match.
 */
public final class PushEvaluator {
  private PushEvaluator() {}

  /**
   * The actions for {@code event} (federation or client format) under {@code global} ({@code {kind: [rule]}}).
   * Events the user sent never notify.
   */
  public static PushActions evaluate(ObjectNode global, ObjectNode event, PushContext context) {
    JsonNode rule = matchingRule(global, event, context);
    return rule == null ? PushActions.NONE : actions(rule.path("rule_id").asText(), rule.path("actions"));
  }

  /** The rule that decides {@code event}'s actions (its {@code actions} as stored), or null: none, or own event. */
  public static JsonNode matchingRule(ObjectNode global, ObjectNode event, PushContext context) {
    if (context.userId().equals(event.path("sender").asText(null))) {
      return null;
    }
    for (String kind : DefaultPushRules.KINDS) {
      for (JsonNode rule : global.path(kind)) {
        if (rule.path("enabled").asBoolean(true) && matches(kind, rule, event, context)) {
          return rule;
        }
      }
    }
    return null;
  }

  static boolean matches(String kind, JsonNode rule, ObjectNode event, PushContext context) {
    String ruleId = rule.path("rule_id").asText();
    switch (kind) {
      case "room":
        return ruleId.equals(event.path("room_id").asText(null));
      case "sender":
        return ruleId.equals(event.path("sender").asText(null));
      case "content":
        JsonNode body = event.path("content").path("body");
        return body.isTextual() && rule.path("pattern").isTextual()
            && wordMatch(rule.path("pattern").asText(), body.asText());
      default:
        for (JsonNode condition : rule.path("conditions")) {
          if (!condition(condition, event, context)) {
            return false;
          }
        }
        return true;
    }
  }

  static boolean condition(JsonNode condition, ObjectNode event, PushContext context) {
    String key = condition.path("key").asText(null);
    switch (condition.path("kind").asText()) {
      case "event_match": {
        JsonNode value = key == null ? null : property(event, key);
        JsonNode pattern = condition.get("pattern");
        if (value == null || !value.isTextual() || pattern == null || !pattern.isTextual()) {
          return false;
        }
        return "content.body".equals(key) ? wordMatch(pattern.asText(), value.asText())
            : glob(pattern.asText()).matcher(value.asText()).matches();
      }
      case "event_property_is": {
        JsonNode value = key == null ? null : property(event, key);
        return value != null && scalar(value) && value.equals(condition.get("value"));
      }
      case "event_property_contains": {
        JsonNode value = key == null ? null : property(event, key);
        JsonNode wanted = condition.get("value");
        if (value == null || !value.isArray() || wanted == null) {
          return false;
        }
        for (JsonNode item : value) {
          if (scalar(item) && item.equals(wanted)) {
            return true;
          }
        }
        return false;
      }
      case "contains_display_name": {
        JsonNode body = event.path("content").path("body");
        String name = context.displayName();
        return body.isTextual() && name != null && !name.isEmpty()
            && Pattern.compile("(^|\\W)" + Pattern.quote(name) + "(\\W|$)",
                Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE).matcher(body.asText()).find();
      }
      case "room_member_count":
        return memberCount(condition.path("is").asText(""), context.memberCount());
      case "sender_notification_permission": {
        if (key == null) {
          return false;
        }
        long required = context.notificationLevels().getOrDefault(key, "room".equals(key) ? 50L : 50L);
        return context.senderPowerLevel() >= required;
      }
      default:
        return false;
    }
  }

  static boolean memberCount(String is, long count) {
    int digits = 0;
    while (digits < is.length() && !Character.isDigit(is.charAt(digits))) {
      digits++;
    }
    String op = is.substring(0, digits);
    long n;
    try {
      n = Long.parseLong(is.substring(digits));
    } catch (NumberFormatException e) {
      return false;
    }
    return switch (op) {
      case "", "==" -> count == n;
      case "<" -> count < n;
      case ">" -> count > n;
      case "<=" -> count <= n;
      case ">=" -> count >= n;
      default -> false;
    };
  }

  /** The value at a dotted key ({@code \.} a literal dot, {@code \\} a backslash), or null. */
  static JsonNode property(JsonNode event, String key) {
    JsonNode node = event;
    for (String part : splitKey(key)) {
      if (node == null || !node.isObject()) {
        return null;
      }
      node = node.get(part);
    }
    return node;
  }

  static List<String> splitKey(String key) {
    List<String> parts = new ArrayList<>();
    StringBuilder part = new StringBuilder();
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c == '\\' && i + 1 < key.length() && (key.charAt(i + 1) == '.' || key.charAt(i + 1) == '\\')) {
        part.append(key.charAt(++i));
      } else if (c == '.') {
        parts.add(part.toString());
        part.setLength(0);
      } else {
        part.append(c);
      }
    }
    parts.add(part.toString());
    return parts;
  }

  private static boolean scalar(JsonNode value) {
    return value.isTextual() || value.isIntegralNumber() || value.isBoolean() || value.isNull();
  }

  /** Whether {@code pattern} (a glob) matches a whole word (bounded by non-word characters) of {@code body}. */
  static boolean wordMatch(String pattern, String body) {
    Pattern glob = Pattern.compile("(^|\\W)" + globRegex(pattern) + "(\\W|$)",
        Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
    return glob.matcher(body).find();
  }

  static Pattern glob(String pattern) {
    return Pattern.compile(globRegex(pattern), Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE | Pattern.DOTALL);
  }

  private static String globRegex(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < pattern.length(); i++) {
      char c = pattern.charAt(i);
      if (c == '*') {
        regex.append(".*?");
      } else if (c == '?') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return regex.toString();
  }

  static PushActions actions(String ruleId, JsonNode actions) {
    boolean notify = false;
    boolean highlight = false;
    for (JsonNode action : actions) {
      if (action.isTextual() && action.asText().equals("notify")) {
        notify = true;
      } else if (action.isObject() && "highlight".equals(action.path("set_tweak").asText())) {
        JsonNode value = action.get("value");
        highlight = value == null || value.asBoolean(false);
      }
    }
    return new PushActions(ruleId, notify, highlight && notify);
  }
}
