package dev.larch.core.federation.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.federation.resident.RoomAccess;
import dev.larch.core.id.RoomAlias;
import dev.larch.core.id.RoomId;
import dev.larch.core.id.UserId;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.profile.Profile;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks other servers about their aliases, users and keys, for our clients, through the {@link FederationClient}
 * port. Blocking: call from worker threads.
 *
 * <p>Spec: server-server API v1.11, "Querying for information" ({@code query/directory}, {@code query/profile}),
 * "End-to-End Encryption" ({@code user/keys/query}, {@code user/keys/claim}); client-server API v1.11,
 * {@code /keys/query} and {@code /keys/claim} ({@code failures}: "servers that could not be reached", by server
 * name, each with a {@code status} and {@code message}, as Synapse fills it).
 */
public final class RemoteQueries {
  private static final Logger log = LoggerFactory.getLogger(RemoteQueries.class);

  private final FederationClient client;

  public RemoteQueries(FederationClient client) {
    this.client = client;
  }

  /** An alias of another server: its room and the servers that know the room. */
  public record RemoteAlias(String roomId, List<String> servers) {}

  /**
   * The room of an alias of another server ({@code GET query/directory}); {@code M_NOT_FOUND} if it has no such
   * alias, 502 if it cannot be asked or answers nonsense.
   */
  public RemoteAlias directory(RoomAlias alias) {
    String server = alias.serverName().value();
    JsonNode answer = query(server, "/_matrix/federation/v1/query/directory?room_alias=" + encode(alias.toString()),
        "resolve " + alias);
    String roomId = answer.path("room_id").textValue();
    if (roomId == null || RoomId.tryParse(roomId).isEmpty()) {
      throw RemoteErrors.forClient(RemoteServerException.badResponse(server, "no room_id", null), "resolve " + alias);
    }
    List<String> servers = new ArrayList<>();
    for (JsonNode entry : answer.path("servers")) {
      if (entry.isTextual() && !servers.contains(entry.textValue())) {
        servers.add(entry.textValue());
      }
    }
    if (!servers.contains(server)) {
      servers.add(0, server);
    }
    return new RemoteAlias(roomId, servers);
  }

  /** The profile of another server's user ({@code GET query/profile}); errors as {@link #directory}. */
  public Profile profile(UserId userId) {
    String server = userId.serverName().value();
    JsonNode answer = query(server, "/_matrix/federation/v1/query/profile?user_id=" + encode(userId.toString()),
        "fetch the profile of " + userId);
    if (!answer.isObject()) {
      throw MatrixException.notFound("Profile not found");
    }
    return new Profile(text(answer.get("displayname")), text(answer.get("avatar_url")));
  }

  /**
   * Asks each server for its users' keys ({@code POST user/keys/query}) and merges the answers into {@code body},
   * a client {@code /keys/query} response with {@code device_keys}, {@code failures} and the cross-signing key
   * objects present. A server that fails goes into {@code failures}; nothing it sent is used.
   *
   * @param remote user ID to device IDs (empty: all devices), users of other servers only
   */
  public void queryKeys(Map<String, List<String>> remote, ObjectNode body) {
    postToEachServer(remote, "/_matrix/federation/v1/user/keys/query", "device_keys", body, (answer, users) -> {
      // Only what the server may speak for: its own users, and of those the ones we asked about.
      mergeUsers(answer.path("device_keys"), users, (ObjectNode) body.get("device_keys"));
      for (String field : List.of("master_keys", "self_signing_keys")) {
        if (body.get(field) instanceof ObjectNode target) {
          mergeUsers(answer.path(field), users, target);
        }
      }
    });
  }

  /**
   * Claims one-time keys of other servers' devices ({@code POST user/keys/claim}) into {@code body}'s
   * {@code one_time_keys}; failing servers go into {@code failures}.
   *
   * @param remote user ID to device ID to algorithm, users of other servers only
   */
  public void claimKeys(Map<String, Map<String, String>> remote, ObjectNode body) {
    postToEachServer(remote, "/_matrix/federation/v1/user/keys/claim", "one_time_keys", body, (answer, users) ->
        mergeUsers(answer.path("one_time_keys"), users, (ObjectNode) body.get("one_time_keys")));
  }

  // A GET of another server's query API; what goes wrong becomes the client's error for "could not <action>".
  private JsonNode query(String server, String path, String action) {
    try {
      return client.get(server, path);
    } catch (RemoteServerException e) {
      throw RemoteErrors.forClient(e, action);
    }
  }

  /**
   * Posts {@code {field: {user: what is asked of them}}} to the server of each user in {@code remote}, one request a
   * server, and hands each answer with the users asked of that server to {@code merge}; a server that fails goes
   * into {@code body}'s {@code failures} and nothing of it is merged.
   */
  private <T> void postToEachServer(
      Map<String, T> remote, String path, String field, ObjectNode body, BiConsumer<JsonNode, Map<String, T>> merge) {
    byServer(remote).forEach((server, users) -> {
      ObjectNode request = JsonMapper.shared().createObjectNode();
      request.set(field, JsonMapper.shared().valueToTree(users));
      JsonNode answer;
      try {
        answer = client.request(server, "POST", path, request);
      } catch (RemoteServerException e) {
        failure(body, server, e);
        return;
      }
      merge.accept(answer, users);
    });
  }

  private static <T> Map<String, Map<String, T>> byServer(Map<String, T> byUser) {
    Map<String, Map<String, T>> out = new LinkedHashMap<>();
    byUser.forEach((user, value) -> {
      String server = RoomAccess.serverOf(user);
      if (server != null) {
        out.computeIfAbsent(server, s -> new LinkedHashMap<>()).put(user, value);
      }
    });
    return out;
  }

  private static void mergeUsers(JsonNode answer, Map<String, ?> asked, ObjectNode target) {
    if (!answer.isObject()) {
      return;
    }
    answer.properties().forEach(entry -> {
      if (asked.containsKey(entry.getKey()) && entry.getValue().isObject()) {
        target.set(entry.getKey(), entry.getValue());
      }
    });
  }

  private static void failure(ObjectNode body, String server, RemoteServerException e) {
    log.info("remote key request failed server={} kind={} message={}", server, e.kind(), e.getMessage());
    ObjectNode failures = body.get("failures") instanceof ObjectNode f ? f : body.putObject("failures");
    ObjectNode failure = failures.putObject(server);
    failure.put("status", e.status().orElse(503));
    failure.put("message", e.retryable() || e.kind() != RemoteServerException.Kind.HTTP_ERROR
        ? "Not ready for retry" : "Remote server refused the request");
  }

  private static String text(JsonNode node) {
    return node != null && node.isTextual() ? node.textValue() : null;
  }

  /** Percent-encodes a query parameter value (spaces as %20, never +). */
  static String encode(String value) {
    return URLEncoder.encode(value, StandardCharsets.UTF_8).replace("+", "%20");
  }
}
