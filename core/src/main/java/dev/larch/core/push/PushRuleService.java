package dev.larch.core.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.accountdata.AccountDataService;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.JsonMapper;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A user's push rules: the defaults merged with the user's own rules and changes to defaults, kept (merged, as the
 * spec's {@code m.push_rules} event shows them) in the user's global account data, so every change reaches
 * {@code /sync}.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#push-rules-api">client-server API v1.11,
 * "Push Rules: API"</a>. Order within a kind: {@code .m.rule.master}, then the user's rules, then the other
 * defaults. Defaults cannot be deleted or replaced, only enabled, disabled and given other actions; on read the
 * defaults are rebuilt from {@link DefaultPushRules} and only their {@code enabled} and {@code actions} are taken
 * from storage.
 */
public final class PushRuleService {
  /** The account data type the rules are kept in. */
  public static final String TYPE = "m.push_rules";

  private final AccountDataService accountData;

  public PushRuleService(AccountDataService accountData) {
    this.accountData = Objects.requireNonNull(accountData, "accountData");
  }

  /** {@code GET /pushrules/}: {@code {"global": {kind: [rule]}}}. */
  public ObjectNode ruleset(String userId) {
    ObjectNode out = JsonMapper.shared().createObjectNode();
    out.set("global", global(userId));
    return out;
  }

  /** The user's {@code global} rules, all five kinds, defaults merged in. */
  public ObjectNode global(String userId) {
    ObjectNode stored = stored(userId);
    ObjectNode defaults = DefaultPushRules.forUser(userId);
    ObjectNode out = JsonMapper.shared().createObjectNode();
    for (String kind : DefaultPushRules.KINDS) {
      Map<String, JsonNode> changedDefaults = new HashMap<>();
      ArrayNode userRules = JsonMapper.shared().createArrayNode();
      if (stored != null) {
        for (JsonNode rule : stored.path(kind)) {
          String id = rule.path("rule_id").asText("");
          if (id.startsWith(".")) {
            changedDefaults.put(id, rule);
          } else if (!id.isEmpty()) {
            userRules.add(rule.deepCopy());
          }
        }
      }
      ArrayNode merged = out.putArray(kind);
      boolean userAdded = false;
      for (JsonNode def : defaults.path(kind)) {
        ObjectNode rule = (ObjectNode) def;
        JsonNode changed = changedDefaults.get(rule.path("rule_id").asText());
        if (changed != null) {
          if (changed.path("enabled").isBoolean()) {
            rule.put("enabled", changed.path("enabled").asBoolean());
          }
          if (changed.path("actions").isArray()) {
            rule.set("actions", changed.path("actions").deepCopy());
          }
        }
        if (!userAdded && !rule.path("rule_id").asText().equals(".m.rule.master")) {
          merged.addAll(userRules);
          userAdded = true;
        }
        merged.add(rule);
      }
      if (!userAdded) {
        merged.addAll(userRules);
      }
    }
    return out;
  }

  /** {@code GET /pushrules/global/{kind}/{ruleId}}. */
  public ObjectNode rule(String userId, String scope, String kind, String ruleId) {
    requireScopeAndKind(scope, kind);
    return find(global(userId), kind, ruleId);
  }

  /**
   * {@code PUT /pushrules/global/{kind}/{ruleId}}: adds or replaces one of the user's rules, placed before or after
   * another user rule of the kind when asked (null: neither).
   */
  public synchronized void put(String userId, String scope, String kind, String ruleId, JsonNode body, String before,
      String after) {
    requireScopeAndKind(scope, kind);
    if (ruleId.isEmpty() || ruleId.contains("/") || ruleId.contains("\\")) {
      throw MatrixException.invalidParam("rule_id must not be empty or contain / or \\");
    }
    if (ruleId.startsWith(".")) {
      throw MatrixException.invalidParam("Rule IDs starting with '.' are reserved for server-default rules");
    }
    ObjectNode rule = PushRuleValidation.newRule(kind, ruleId, body);
    ObjectNode global = global(userId);
    ArrayNode rules = (ArrayNode) global.get(kind);
    int existing = indexOf(rules, ruleId);
    if (existing >= 0 && before == null && after == null) {
      rules.set(existing, rule);
    } else {
      if (existing >= 0) {
        rules.remove(existing);
      }
      int at = position(rules, before, after);
      rules.insert(at, rule);
    }
    save(userId, global);
  }

  /** {@code DELETE /pushrules/global/{kind}/{ruleId}}; default rules cannot be deleted. */
  public synchronized void delete(String userId, String scope, String kind, String ruleId) {
    requireScopeAndKind(scope, kind);
    ObjectNode global = global(userId);
    ArrayNode rules = (ArrayNode) global.get(kind);
    int index = indexOf(rules, ruleId);
    if (index < 0) {
      throw MatrixException.notFound("Unknown push rule");
    }
    if (ruleId.startsWith(".")) {
      throw MatrixException.invalidParam("Server-default rules cannot be deleted");
    }
    rules.remove(index);
    save(userId, global);
  }

  /** {@code GET .../{ruleId}/enabled}. */
  public ObjectNode enabled(String userId, String scope, String kind, String ruleId) {
    ObjectNode out = JsonMapper.shared().createObjectNode();
    out.put("enabled", rule(userId, scope, kind, ruleId).path("enabled").asBoolean(true));
    return out;
  }

  /** {@code PUT .../{ruleId}/enabled} with {@code {"enabled": bool}}. */
  public synchronized void setEnabled(String userId, String scope, String kind, String ruleId, JsonNode body) {
    requireScopeAndKind(scope, kind);
    JsonNode enabled = body.get("enabled");
    if (enabled == null || !enabled.isBoolean()) {
      throw MatrixException.badJson("enabled must be a boolean");
    }
    ObjectNode global = global(userId);
    find(global, kind, ruleId).put("enabled", enabled.asBoolean());
    save(userId, global);
  }

  /** {@code GET .../{ruleId}/actions}. */
  public ObjectNode actions(String userId, String scope, String kind, String ruleId) {
    ObjectNode out = JsonMapper.shared().createObjectNode();
    out.set("actions", rule(userId, scope, kind, ruleId).path("actions").deepCopy());
    return out;
  }

  /** {@code PUT .../{ruleId}/actions} with {@code {"actions": [...]}}. */
  public synchronized void setActions(String userId, String scope, String kind, String ruleId, JsonNode body) {
    requireScopeAndKind(scope, kind);
    ArrayNode actions = PushRuleValidation.actions(body.get("actions"));
    ObjectNode global = global(userId);
    find(global, kind, ruleId).set("actions", actions);
    save(userId, global);
  }

  /** The {@code m.push_rules} account data event of the user's rules, for a first sync. */
  public ObjectNode accountDataEvent(String userId) {
    ObjectNode event = JsonMapper.shared().createObjectNode();
    event.put("type", TYPE);
    event.set("content", ruleset(userId));
    return event;
  }

  private ObjectNode stored(String userId) {
    try {
      JsonNode global = accountData.get(userId, userId, null, TYPE).path("global");
      return global.isObject() ? (ObjectNode) global : null;
    } catch (MatrixException e) {
      return null; // M_NOT_FOUND: the user never changed their rules
    }
  }

  private void save(String userId, ObjectNode global) {
    ObjectNode content = JsonMapper.shared().createObjectNode();
    content.set("global", global);
    accountData.putAsServer(userId, null, TYPE, content);
  }

  private static ObjectNode find(ObjectNode global, String kind, String ruleId) {
    ArrayNode rules = (ArrayNode) global.get(kind);
    int index = indexOf(rules, ruleId);
    if (index < 0) {
      throw MatrixException.notFound("Unknown push rule");
    }
    return (ObjectNode) rules.get(index);
  }

  private static int indexOf(ArrayNode rules, String ruleId) {
    for (int i = 0; i < rules.size(); i++) {
      if (ruleId.equals(rules.get(i).path("rule_id").asText())) {
        return i;
      }
    }
    return -1;
  }

  private static int position(ArrayNode rules, String before, String after) {
    String relative = before != null ? before : after;
    if (relative != null) {
      if (relative.startsWith(".")) {
        throw MatrixException.invalidParam("Rules cannot be placed relative to server-default rules");
      }
      int index = indexOf(rules, relative);
      if (index < 0) {
        throw MatrixException.notFound("before/after rule not found: " + relative);
      }
      return before != null ? index : index + 1;
    }
    // New user rules go first among the user's rules (after .m.rule.master), as Synapse does.
    int at = 0;
    while (at < rules.size() && rules.get(at).path("rule_id").asText().equals(".m.rule.master")) {
      at++;
    }
    return at;
  }

  static void requireScopeAndKind(String scope, String kind) {
    if (!"global".equals(scope)) {
      throw MatrixException.invalidParam("Unknown push rule scope: " + scope);
    }
    if (!DefaultPushRules.KINDS.contains(kind)) {
      throw MatrixException.invalidParam("Unknown push rule kind: " + kind);
    }
  }
}
