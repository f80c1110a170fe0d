package dev.larch.core.push;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.JsonMapper;
import java.util.Objects;

/**
 * One pusher of a user, identified by {@code (user, app_id, pushkey)}.
 *
 * <p>Spec: client-server API v1.11, {@code GET /pushers} ({@code Pusher}).
 *
 * @param kind {@code http} or {@code email}
 * @param profileTag the device-specific rule set it runs, or null
 * @param data the pusher's {@code data} as the client sent it ({@code url} for http pushers)
 */
public record Pusher(String userId, String appId, String pushkey, String kind, String appDisplayName,
    String deviceDisplayName, String profileTag, String lang, ObjectNode data) {
  public Pusher {
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(appId, "appId");
    Objects.requireNonNull(pushkey, "pushkey");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(appDisplayName, "appDisplayName");
    Objects.requireNonNull(deviceDisplayName, "deviceDisplayName");
    Objects.requireNonNull(lang, "lang");
    data = data.deepCopy();
  }

  @Override
  public ObjectNode data() {
    return data.deepCopy();
  }

  /** The pusher as {@code GET /pushers} lists it. */
  public ObjectNode toJson() {
    ObjectNode out = JsonMapper.shared().createObjectNode();
    out.put("app_id", appId).put("pushkey", pushkey).put("kind", kind).put("app_display_name", appDisplayName)
        .put("device_display_name", deviceDisplayName).put("lang", lang);
    if (profileTag != null) {
      out.put("profile_tag", profileTag);
    }
    out.set("data", data.deepCopy());
    return out;
  }
}
