package dev.larch.core.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.JsonMapper;
import java.util.Set;

/**
 * Checks a client's push rule body and turns it into the stored rule: {@code M_BAD_JSON} for a wrong shape.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#put_matrixclientv3pushrulesglobalkindruleid">
 * client-server API v1.11, {@code PUT /pushrules/global/{kind}/{ruleId}}</a>: {@code actions} always,
 * {@code conditions} for override and underride rules, {@code pattern} for content rules.
 */
final class PushRuleValidation {
  private static final Set<String> SIMPLE_ACTIONS = Set.of("notify", "dont_notify", "coalesce");

  private PushRuleValidation() {}

  static ObjectNode newRule(String kind, String ruleId, JsonNode body) {
    ObjectNode rule = JsonMapper.shared().createObjectNode();
    rule.put("rule_id", ruleId).put("default", false).put("enabled", true);
    switch (kind) {
      case "override", "underride" -> rule.set("conditions", conditions(body.get("conditions")));
      case "content" -> {
        JsonNode pattern = body.get("pattern");
        if (pattern == null || !pattern.isTextual()) {
          throw MatrixException.badJson("Content rules need a string pattern");
        }
        rule.put("pattern", pattern.asText());
      }
      default -> { } // room and sender rules match on their rule_id
    }
    rule.set("actions", actions(body.get("actions")));
    return rule;
  }

  static ArrayNode actions(JsonNode actions) {
    if (actions == null || !actions.isArray()) {
      throw MatrixException.badJson("actions must be an array");
    }
    for (JsonNode action : actions) {
      boolean ok = action.isTextual() && SIMPLE_ACTIONS.contains(action.asText())
          || action.isObject() && action.path("set_tweak").isTextual();
      if (!ok) {
        throw MatrixException.badJson("Unknown push rule action: " + action);
      }
    }
    return actions.deepCopy();
  }

  private static ArrayNode conditions(JsonNode conditions) {
    if (conditions == null) {
      return JsonMapper.shared().createArrayNode();
    }
    if (!conditions.isArray()) {
      throw MatrixException.badJson("conditions must be an array");
    }
    for (JsonNode condition : conditions) {
      if (!condition.isObject() || !condition.path("kind").isTextual()) {
        throw MatrixException.badJson("Each condition must be an object with a string kind");
      }
      switch (condition.path("kind").asText()) {
        case "event_match" -> {
          requireString(condition, "key");
          requireString(condition, "pattern");
        }
        case "event_property_is", "event_property_contains" -> {
          requireString(condition, "key");
          JsonNode value = condition.get("value");
          if (value == null || !(value.isTextual() || value.isIntegralNumber() || value.isBoolean()
              || value.isNull())) {
            throw MatrixException.badJson("value must be a string, integer, boolean or null");
          }
        }
        case "room_member_count" -> {
          requireString(condition, "is");
          if (!condition.path("is").asText().matches("(==|<|>|<=|>=)?[0-9]+")) {
            throw MatrixException.badJson("is must be an optional operator and a number");
          }
        }
        case "sender_notification_permission" -> requireString(condition, "key");
        default -> { } // contains_display_name, and kinds unknown to us (they never match)
      }
    }
    return conditions.deepCopy();
  }

  private static void requireString(JsonNode condition, String field) {
    if (!condition.path(field).isTextual()) {
      throw MatrixException.badJson("Condition " + condition.path("kind").asText() + " needs a string " + field);
    }
  }
}
