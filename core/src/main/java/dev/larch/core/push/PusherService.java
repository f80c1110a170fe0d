package dev.larch.core.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.JsonMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A user's pushers, keyed by {@code (app_id, pushkey)}: set, replaced, deleted ({@code kind: null}) and listed.
 * Kept in memory for now (lost on restart), and nothing is sent to push gateways yet.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#post_matrixclientv3pushersset">client-server API
 * v1.11, {@code POST /pushers/set}</a> and {@code GET /pushers}.
 */
public final class PusherService {
  private final Map<String, Map<String, ObjectNode>> byUser = new ConcurrentHashMap<>();

  /** {@code GET /pushers}: {@code {"pushers": [...]}}. */
  public ObjectNode pushers(String userId) {
    ObjectNode out = JsonMapper.shared().createObjectNode();
    ArrayNode list = out.putArray("pushers");
    Map<String, ObjectNode> pushers = byUser.get(userId);
    if (pushers != null) {
      synchronized (pushers) {
        pushers.values().forEach(p -> list.add(p.deepCopy()));
      }
    }
    return out;
  }

  /** {@code POST /pushers/set}. */
  public void set(String userId, ObjectNode body) {
    String appId = string(body, "app_id", 64);
    String pushkey = string(body, "pushkey", 512);
    JsonNode kind = body.get("kind");
    String key = appId + "\n" + pushkey;
    if (kind == null || kind.isNull()) {
      if (kind == null) {
        throw MatrixException.missingParam("kind is required");
      }
      Map<String, ObjectNode> pushers = byUser.get(userId);
      if (pushers != null) {
        synchronized (pushers) {
          pushers.remove(key);
        }
      }
      return;
    }
    if (!kind.isTextual() || !(kind.asText().equals("http") || kind.asText().equals("email"))) {
      throw MatrixException.invalidParam("kind must be http, email or null");
    }
    String appName = string(body, "app_display_name", 1000);
    String deviceName = string(body, "device_display_name", 1000);
    String lang = string(body, "lang", 64);
    JsonNode data = body.get("data");
    if (data == null || !data.isObject()) {
      throw MatrixException.badJson("data must be an object");
    }
    if (kind.asText().equals("http")) {
      JsonNode url = data.get("url");
      if (url == null || !url.isTextual() || !url.asText().startsWith("http")) {
        throw MatrixException.invalidParam("http pushers need data.url, an http(s) URL");
      }
    }
    JsonNode append = body.get("append");
    if (append != null && !append.isBoolean()) {
      throw MatrixException.badJson("append must be a boolean");
    }
    JsonNode profileTag = body.get("profile_tag");
    if (profileTag != null && !profileTag.isTextual()) {
      throw MatrixException.badJson("profile_tag must be a string");
    }
    ObjectNode pusher = JsonMapper.shared().createObjectNode();
    pusher.put("app_id", appId).put("pushkey", pushkey).put("kind", kind.asText())
        .put("app_display_name", appName).put("device_display_name", deviceName).put("lang", lang);
    pusher.set("data", data.deepCopy());
    if (profileTag != null) {
      pusher.put("profile_tag", profileTag.asText());
    }
    Map<String, ObjectNode> pushers = byUser.computeIfAbsent(userId, k -> new LinkedHashMap<>());
    synchronized (pushers) {
      if (append == null || !append.asBoolean()) {
        // Without append, the pushkey is this user's only pusher of it (other users' pushers are separate maps).
        pushers.values().removeIf(p -> p.path("pushkey").asText().equals(pushkey)
            && p.path("app_id").asText().equals(appId));
      }
      pushers.put(key, pusher);
    }
  }

  private static String string(ObjectNode body, String field, int max) {
    JsonNode value = body.get(field);
    if (value == null) {
      throw MatrixException.missingParam(field + " is required");
    }
    if (!value.isTextual()) {
      throw MatrixException.badJson(field + " must be a string");
    }
    if (value.asText().length() > max) {
      throw MatrixException.invalidParam(field + " is too long");
    }
    return value.asText();
  }
}
