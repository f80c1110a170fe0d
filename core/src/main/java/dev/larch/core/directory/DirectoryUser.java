package dev.larch.core.directory;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.JsonMapper;
import java.util.Objects;

/**
 * One user directory result.
 *
 * <p>Spec: client-server API v1.11, {@code POST /user_directory/search} ({@code user_id}, and {@code display_name}
 * and {@code avatar_url} if the user has them).
 */
public record DirectoryUser(String userId, String displayName, String avatarUrl) {
  public DirectoryUser {
    Objects.requireNonNull(userId, "userId");
  }

  public ObjectNode toJson() {
    ObjectNode out = JsonMapper.shared().createObjectNode();
    out.put("user_id", userId);
    if (displayName != null) {
      out.put("display_name", displayName);
    }
    if (avatarUrl != null) {
      out.put("avatar_url", avatarUrl);
    }
    return out;
  }
}
