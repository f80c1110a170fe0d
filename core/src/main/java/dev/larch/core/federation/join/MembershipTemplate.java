package dev.larch.core.federation.join;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.Pdu;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.room.RoomVersion;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The event template a resident server hands out for a join, leave or knock ({@code make_join}, {@code make_leave},
 * {@code make_knock}), checked and completed into this server's signed membership event.
 *
 * <p>Spec: server-server API, "Joining Rooms" (the template's {@code prev_events}, {@code auth_events} and
 * {@code depth} come from the resident; the joining server adds {@code origin}, {@code origin_server_ts}, hashes and
 * its signature), {@code GET /_matrix/federation/v1/make_join/{roomId}/{userId}} ({@code room_version} absent means
 * {@code "1"}). A template that is not the membership event asked for is the remote's fault.
 *
 * @param server the resident server that made it
 * @param version the room's version
 * @param event the template event, as received
 */
record MembershipTemplate(String server, RoomVersion version, ObjectNode event) {
  /** {@code make_join}, {@code make_leave} or {@code make_knock}. */
  enum Kind {
    JOIN("make_join", "join"),
    LEAVE("make_leave", "leave"),
    KNOCK("make_knock", "knock");

    final String endpoint;
    final String membership;

    Kind(String endpoint, String membership) {
      this.endpoint = endpoint;
      this.membership = membership;
    }
  }

  /**
   * Asks {@code server} for a template. {@code versions} are the room versions this server supports, sent as
   * {@code ver} (make_leave takes none).
   *
   * @throws RemoteServerException if the server refuses, cannot be reached, or answers with something unusable
   */
  static MembershipTemplate fetch(FederationClient client, String server, Kind kind, String roomId, String userId,
      List<RoomVersion> versions) {
    StringBuilder path = new StringBuilder("/_matrix/federation/v1/").append(kind.endpoint).append('/')
        .append(PathSegment.encode(roomId)).append('/').append(PathSegment.encode(userId));
    if (kind != Kind.LEAVE) {
      char separator = '?';
      for (RoomVersion version : versions) {
        path.append(separator).append("ver=").append(PathSegment.encode(version.identifier()));
        separator = '&';
      }
    }
    JsonNode answer = client.get(server, path.toString());
    String versionId = ReceivedEvents.text(answer, "room_version").orElse("1");
    RoomVersion version = RoomVersion.byIdentifier(versionId)
        .filter(versions::contains)
        .orElseThrow(() -> RemoteServerException.badResponse(server,
            kind.endpoint + " offered room version " + versionId + ", which this server did not ask for", null));
    if (!(answer.get("event") instanceof ObjectNode event)) {
      throw RemoteServerException.badResponse(server, kind.endpoint + " answer has no event", null);
    }
    MembershipTemplate template = new MembershipTemplate(server, version, event);
    template.check(kind, roomId, userId);
    return template;
  }

  // The template must be exactly the membership event asked for (Synapse checks the same).
  private void check(Kind kind, String roomId, String userId) {
    String problem = null;
    if (!"m.room.member".equals(text("type"))) {
      problem = "is not an m.room.member event";
    } else if (!userId.equals(text("state_key")) || !userId.equals(text("sender"))) {
      problem = "is not for " + userId;
    } else if (!roomId.equals(text("room_id"))) {
      problem = "is for another room";
    } else if (!(event.get("content") instanceof ObjectNode content)
        || !kind.membership.equals(ReceivedEvents.text(content, "membership").orElse(null))) {
      problem = "is not a " + kind.membership;
    } else if (!event.path("prev_events").isArray() || !event.path("auth_events").isArray()
        || !event.path("depth").canConvertToLong()) {
      problem = "lacks prev_events, auth_events or depth";
    }
    if (problem != null) {
      throw RemoteServerException.badResponse(server, kind.endpoint + " template " + problem, null);
    }
  }

  /**
   * This server's event from the template: the template's content updated with {@code extraContent} (display name,
   * avatar, reason; never {@code membership} or {@code join_authorised_via_users_server}, which are the resident's),
   * stamped now, hashed and signed as this server.
   *
   * @param newEventId makes a v1–2 event ID ({@code $random:server}); unused from v3
   */
  Pdu complete(EventSigner signer, long nowMillis, ObjectNode extraContent, Supplier<String> newEventId) {
    ObjectNode json = event.deepCopy();
    json.remove(List.of("hashes", "signatures", "unsigned", "event_id"));
    ObjectNode content = (ObjectNode) json.get("content");
    for (Map.Entry<String, JsonNode> field : extraContent.properties()) {
      if (!"membership".equals(field.getKey()) && !"join_authorised_via_users_server".equals(field.getKey())) {
        content.set(field.getKey(), field.getValue().deepCopy());
      }
    }
    json.put("origin_server_ts", nowMillis);
    if (json.has("origin") || !version.implicitRoomCreator()) {
      json.put("origin", signer.serverName());
    }
    if (version.eventsCarryIds()) {
      json.put("event_id", Objects.requireNonNull(newEventId.get(), "event ID"));
    }
    return signer.hashAndSign(json, version);
  }

  private String text(String field) {
    return ReceivedEvents.text(event, field).orElse(null);
  }
}
