package dev.larch.client.profile;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.ClientRequest;
import dev.larch.client.http.Endpoints;
import dev.larch.core.error.MatrixException;
import dev.larch.core.profile.Profile;
import dev.larch.core.profile.ProfileService;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * User profiles: display name and avatar URL. Spec: client-server API v1.11, "Profiles".
 */
public final class ProfileRoutes {
  private final ProfileService profiles;

  public ProfileRoutes(ProfileService profiles) {
    this.profiles = profiles;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // GET /_matrix/client/v3/profile/{userId}
    ClientPaths.route(router, HttpMethod.GET, "/profile/:userId", endpoints.open(this::profile));
    // GET /_matrix/client/v3/profile/{userId}/displayname
    ClientPaths.route(router, HttpMethod.GET, "/profile/:userId/displayname", endpoints.open(this::displayName));
    // PUT /_matrix/client/v3/profile/{userId}/displayname
    ClientPaths.route(router, HttpMethod.PUT, "/profile/:userId/displayname",
        endpoints.authed(this::setDisplayName));
    // GET /_matrix/client/v3/profile/{userId}/avatar_url
    ClientPaths.route(router, HttpMethod.GET, "/profile/:userId/avatar_url", endpoints.open(this::avatarUrl));
    // PUT /_matrix/client/v3/profile/{userId}/avatar_url
    ClientPaths.route(router, HttpMethod.PUT, "/profile/:userId/avatar_url", endpoints.authed(this::setAvatarUrl));
  }

  private Object profile(ClientRequest req) {
    Profile profile = profiles.get(req.path("userId"));
    Map<String, String> body = new LinkedHashMap<>();
    if (profile.displayName() != null) {
      body.put("displayname", profile.displayName());
    }
    if (profile.avatarUrl() != null) {
      body.put("avatar_url", profile.avatarUrl());
    }
    return body;
  }

  private Object displayName(ClientRequest req) {
    String name = profiles.get(req.path("userId")).displayName();
    return name == null ? Map.of() : Map.of("displayname", name);
  }

  private Object avatarUrl(ClientRequest req) {
    String url = profiles.get(req.path("userId")).avatarUrl();
    return url == null ? Map.of() : Map.of("avatar_url", url);
  }

  private Object setDisplayName(AuthedRequest req) {
    profiles.setDisplayName(req.userId(), req.path("userId"), optionalString(req.json(), "displayname"));
    return Map.of();
  }

  private Object setAvatarUrl(AuthedRequest req) {
    profiles.setAvatarUrl(req.userId(), req.path("userId"), optionalString(req.json(), "avatar_url"));
    return Map.of();
  }

  private static String optionalString(ObjectNode json, String key) {
    JsonNode value = json.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw MatrixException.badJson(key + " must be a string");
    }
    return value.textValue();
  }
}
