package dev.larch.core.push;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.JsonMapper;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A user's pushers, keyed by {@code (app_id, pushkey)}: set, replaced, deleted ({@code kind: null}) and listed, kept
 * in a {@link PusherStore}. Nothing is sent to push gateways yet: pushers are stored so clients can register them
 * and see them again after a restart.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#post_matrixclientv3pushersset">client-server API
 * v1.11, {@code POST /pushers/set}</a> and {@code GET /pushers}: {@code kind}, {@code app_id} (at most 64
 * characters) and {@code pushkey} (at most 512 bytes) always; {@code app_display_name}, {@code device_display_name},
 * {@code lang} and {@code data} unless deleting; {@code data.url} for http pushers, an http(s) URL whose path is
 * {@code /_matrix/push/v1/notify} (the spec says HTTPS; plain http is accepted for gateways on the same host, as
 * Synapse does); {@code append} keeps other users' pushers of the same app ID and pushkey.
 */
public final class PusherService {
  /** The path every push gateway URL must have. */
  static final String NOTIFY_PATH = "/_matrix/push/v1/notify";

  private final PusherStore store;

  public PusherService(PusherStore store) {
    this.store = Objects.requireNonNull(store, "store");
  }

  /** {@code GET /pushers}: {@code {"pushers": [...]}}. */
  public ObjectNode pushers(String userId) {
    ObjectNode out = JsonMapper.shared().createObjectNode();
    ArrayNode list = out.putArray("pushers");
    store.pushersOf(userId).forEach(p -> list.add(p.toJson()));
    return out;
  }

  /** {@code POST /pushers/set}. */
  public void set(String userId, ObjectNode body) {
    JsonNode kind = body.get("kind");
    if (kind == null) {
      throw MatrixException.missingParam("kind is required");
    }
    String appId = string(body, "app_id", true);
    String pushkey = string(body, "pushkey", true);
    if (appId.length() > 64) {
      throw MatrixException.invalidParam("app_id is longer than 64 characters");
    }
    if (pushkey.getBytes(StandardCharsets.UTF_8).length > 512) {
      throw MatrixException.invalidParam("pushkey is longer than 512 bytes");
    }
    if (kind.isNull()) {
      store.delete(userId, appId, pushkey);
      return;
    }
    if (!kind.isTextual() || !(kind.asText().equals("http") || kind.asText().equals("email"))) {
      throw MatrixException.invalidParam("kind must be http, email or null");
    }
    String appName = string(body, "app_display_name", true);
    String deviceName = string(body, "device_display_name", true);
    String lang = string(body, "lang", true);
    String profileTag = string(body, "profile_tag", false);
    JsonNode data = body.get("data");
    if (data == null) {
      throw MatrixException.missingParam("data is required");
    }
    if (!data.isObject()) {
      throw MatrixException.badJson("data must be an object");
    }
    if (kind.asText().equals("http")) {
      checkGatewayUrl(data.get("url"));
    }
    JsonNode append = body.get("append");
    if (append != null && !append.isNull() && !append.isBoolean()) {
      throw MatrixException.badJson("append must be a boolean");
    }
    store.set(new Pusher(userId, appId, pushkey, kind.asText(), appName, deviceName, profileTag, lang,
        (ObjectNode) data), append != null && append.asBoolean(false));
  }

  private static void checkGatewayUrl(JsonNode url) {
    if (url == null || url.isNull()) {
      throw MatrixException.missingParam("http pushers need data.url");
    }
    if (!url.isTextual()) {
      throw MatrixException.badJson("data.url must be a string");
    }
    URI uri;
    try {
      uri = new URI(url.asText());
    } catch (URISyntaxException e) {
      throw MatrixException.invalidParam("data.url is not a URL");
    }
    if (!("https".equalsIgnoreCase(uri.getScheme()) || "http".equalsIgnoreCase(uri.getScheme()))
        || uri.getHost() == null) {
      throw MatrixException.invalidParam("data.url must be an http(s) URL");
    }
    if (!NOTIFY_PATH.equals(uri.getPath())) {
      throw MatrixException.invalidParam("data.url must have the path " + NOTIFY_PATH);
    }
  }

  private static String string(ObjectNode body, String field, boolean required) {
    JsonNode value = body.get(field);
    if (value == null || value.isNull()) {
      if (required) {
        throw MatrixException.missingParam(field + " is required");
      }
      return null;
    }
    if (!value.isTextual()) {
      throw MatrixException.badJson(field + " must be a string");
    }
    return value.asText();
  }
}
