package dev.larch.client.directory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import dev.larch.core.directory.UserDirectoryService;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.JsonMapper;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.concurrent.CompletionStage;

/**
 * The user directory search.
 *
 * <p>Spec: client-server API v1.11, {@code POST /user_directory/search} ({@code search_term} required,
 * {@code limit} defaulting to 10; {@code results} and {@code limited}).
 */
public final class UserDirectoryRoutes {
  private final UserDirectoryService users;

  public UserDirectoryRoutes(UserDirectoryService users) {
    this.users = users;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // POST /_matrix/client/v3/user_directory/search
    ClientPaths.route(router, HttpMethod.POST, "/user_directory/search", endpoints.authedAsync(this::search));
  }

  private CompletionStage<Object> search(AuthedRequest req) {
    ObjectNode body = req.json();
    JsonNode term = body.get("search_term");
    if (term == null || term.isNull()) {
      throw MatrixException.missingParam("search_term is required");
    }
    if (!term.isTextual()) {
      throw MatrixException.badJson("search_term must be a string");
    }
    int limit = UserDirectoryService.DEFAULT_LIMIT;
    JsonNode limitNode = body.get("limit");
    if (limitNode != null && !limitNode.isNull()) {
      if (!limitNode.isIntegralNumber() || !limitNode.canConvertToInt()) {
        throw MatrixException.badJson("limit must be an integer");
      }
      limit = limitNode.asInt();
    }
    return users.search(req.userId(), term.asText(), limit).thenApply(result -> {
      ObjectNode out = JsonMapper.shared().createObjectNode();
      ArrayNode results = out.putArray("results");
      result.results().forEach(user -> results.add(user.toJson()));
      out.put("limited", result.limited());
      return out;
    });
  }
}
