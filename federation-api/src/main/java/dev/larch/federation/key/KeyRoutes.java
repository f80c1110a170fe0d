package dev.larch.federation.key;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.federation.keys.KeyNotary;
import dev.larch.core.id.ServerName;
import dev.larch.federation.http.FederationEndpoints;
import dev.larch.federation.http.FederationRequest;
import io.vertx.ext.web.Router;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The key API: this server's keys, and other servers' keys through this one as a notary. Open endpoints: the answers
 * are signed, so they need no request authentication.
 *
 * <p>Spec: server-server API v1.11, "Retrieving server keys": {@code GET /_matrix/key/v2/server},
 * {@code GET /_matrix/key/v2/query/{serverName}}, {@code POST /_matrix/key/v2/query}. The deprecated forms with a
 * trailing {@code /{keyId}} are answered the same way (the key ID only ever selected nothing), for old servers.
 */
public final class KeyRoutes {
  /** The most servers one query may ask about: each may cost this server a fetch. */
  static final int MAX_SERVERS_PER_QUERY = 100;

  private final FederationEndpoints endpoints;
  private final KeyNotary notary;

  public KeyRoutes(FederationEndpoints endpoints, KeyNotary notary) {
    this.endpoints = endpoints;
    this.notary = notary;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router) {
    // GET /_matrix/key/v2/server: our keys, signed, valid for the configured period.
    router.get("/_matrix/key/v2/server").handler(endpoints.open(request -> notary.ownKeys()));
    router.get("/_matrix/key/v2/server/:keyId").handler(endpoints.open(request -> notary.ownKeys()));
    // GET /_matrix/key/v2/query/{serverName}?minimum_valid_until_ts=: one server's keys, countersigned.
    router.get("/_matrix/key/v2/query/:serverName").handler(endpoints.open(this::queryOne));
    router.get("/_matrix/key/v2/query/:serverName/:keyId").handler(endpoints.open(this::queryOne));
    // POST /_matrix/key/v2/query: many servers' keys, countersigned.
    router.post("/_matrix/key/v2/query").handler(endpoints.open(this::queryMany));
  }

  private Object queryOne(FederationRequest request) {
    String server = request.path("serverName");
    OptionalLong minimum = OptionalLong.empty();
    if (request.query("minimum_valid_until_ts").isPresent()) {
      try {
        minimum = OptionalLong.of(Long.parseLong(request.query("minimum_valid_until_ts").get()));
      } catch (NumberFormatException e) {
        throw MatrixException.invalidParam("minimum_valid_until_ts must be an integer");
      }
    }
    if (!ServerName.isValid(server)) {
      return answer(List.of()); // nothing to fetch: an empty answer, as for an unreachable server
    }
    return answer(notary.query(Map.of(server, new KeyNotary.Criteria(Set.of(), minimum))));
  }

  private Object queryMany(FederationRequest request) {
    ObjectNode body = request.json();
    JsonNode serverKeys = body.get("server_keys");
    if (serverKeys == null || !serverKeys.isObject()) {
      throw MatrixException.badJson("server_keys must be an object of server names");
    }
    if (serverKeys.size() > MAX_SERVERS_PER_QUERY) {
      throw MatrixException.invalidParam("at most " + MAX_SERVERS_PER_QUERY + " servers per query");
    }
    Map<String, KeyNotary.Criteria> criteria = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> server : serverKeys.properties()) {
      if (!server.getValue().isObject()) {
        throw MatrixException.badJson("server_keys." + server.getKey() + " must be an object of key IDs");
      }
      Set<String> keyIds = new HashSet<>();
      OptionalLong minimum = OptionalLong.empty();
      for (Map.Entry<String, JsonNode> key : server.getValue().properties()) {
        if (!key.getValue().isObject()) {
          throw MatrixException.badJson("the query criteria of " + key.getKey() + " must be an object");
        }
        JsonNode wanted = key.getValue().get("minimum_valid_until_ts");
        if (wanted != null && !(wanted.isIntegralNumber() && wanted.canConvertToLong())) {
          throw MatrixException.badJson("minimum_valid_until_ts must be an integer");
        }
        keyIds.add(key.getKey());
        if (wanted != null && (minimum.isEmpty() || wanted.longValue() > minimum.getAsLong())) {
          minimum = OptionalLong.of(wanted.longValue());
        }
      }
      if (ServerName.isValid(server.getKey())) {
        criteria.put(server.getKey(), new KeyNotary.Criteria(keyIds, minimum));
      }
    }
    return answer(notary.query(criteria));
  }

  private static Map<String, Object> answer(List<ObjectNode> keys) {
    return Map.of("server_keys", keys);
  }
}
