package dev.larch.federation.p2p;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.directory.DirectoryUser;
import dev.larch.core.directory.UserDirectoryService;
import dev.larch.core.federation.p2p.NeighbourProfiles;
import dev.larch.federation.http.FederationEndpoints;
import io.vertx.ext.web.Router;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * {@code GET /_matrix/p2p/profiles}: Dendrite's P2P user directory, unauthenticated, with a JSON body
 * {@code {"SearchString", "Limit"}} (Go field names), answering this server's users who are in public rooms. Served
 * to overlay peers (the overlay server passes {@code /_matrix/p2p/profiles} on; the TLS listener serves it too,
 * harmlessly).
 */
public final class P2pProfileRoutes {
  static final int DEFAULT_LIMIT = 25;

  private final UserDirectoryService users;

  public P2pProfileRoutes(UserDirectoryService users) {
    this.users = users;
  }

  public void mount(Router router, FederationEndpoints endpoints) {
    router.get(NeighbourProfiles.PATH).handler(endpoints.open(request -> {
      ObjectNode body = request.hasBody() ? request.json() : null;
      JsonNode term = body == null ? null : body.get("SearchString");
      JsonNode limit = body == null ? null : body.get("Limit");
      int max = limit != null && limit.canConvertToInt() && limit.intValue() > 0 ? limit.intValue() : DEFAULT_LIMIT;
      List<Map<String, Object>> profiles = new ArrayList<>();
      for (DirectoryUser user : users.publicLocalUsers(term != null && term.isTextual() ? term.textValue() : "",
          max)) {
        Map<String, Object> profile = new java.util.LinkedHashMap<>();
        profile.put("local_part", user.userId().substring(1, user.userId().indexOf(':')));
        profile.put("display_name", user.displayName() == null ? "" : user.displayName());
        profile.put("avatar_url", user.avatarUrl() == null ? "" : user.avatarUrl());
        profiles.add(profile);
      }
      return Map.of("Profiles", profiles);
    }));
  }
}
