package dev.larch.client.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import dev.larch.core.error.MatrixException;
import dev.larch.core.id.EventId;
import dev.larch.core.id.RoomId;
import dev.larch.core.room.RoomService;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * Creating rooms and sending into them: {@code /createRoom}, {@code /send}, {@code PUT /state}, {@code /redact}.
 *
 * <p>Spec: client-server API v1.11, "Creation", "Sending events to a room" and "Redactions".
 */
public final class RoomRoutes {
  private final RoomService rooms;

  public RoomRoutes(RoomService rooms) {
    this.rooms = rooms;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // POST /_matrix/client/v3/createRoom
    ClientPaths.route(router, HttpMethod.POST, "/createRoom", endpoints.authed(this::createRoom));
    // PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}
    ClientPaths.route(router, HttpMethod.PUT, "/rooms/:roomId/send/:eventType/:txnId",
        endpoints.authedAsync(this::send));
    // PUT /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}
    ClientPaths.route(router, HttpMethod.PUT, "/rooms/:roomId/state/:eventType/:stateKey",
        endpoints.authed(this::setState));
    // PUT /_matrix/client/v3/rooms/{roomId}/state/{eventType} (empty state key)
    ClientPaths.route(router, HttpMethod.PUT, "/rooms/:roomId/state/:eventType", endpoints.authed(this::setState));
    // PUT /_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId}
    ClientPaths.route(router, HttpMethod.PUT, "/rooms/:roomId/redact/:eventId/:txnId",
        endpoints.authed(this::redact));
  }

  private Object createRoom(AuthedRequest req) {
    CreateRoomRequest body = req.body(CreateRoomRequest.class);
    return Map.of("room_id", rooms.createRoom(req.userId(), body.toNewRoom()));
  }

  // Answers once the event is committed, without holding a worker while other sends into the room go first.
  private CompletionStage<Object> send(AuthedRequest req) {
    String roomId = RoomId.parse(req.path("roomId")).value();
    ObjectNode content = req.json();
    return rooms.sendAsync(req.userId(), req.deviceId(), roomId, req.path("eventType"), req.path("txnId"), content)
        .thenApply(eventId -> Map.of("event_id", eventId));
  }

  private Object setState(AuthedRequest req) {
    String roomId = RoomId.parse(req.path("roomId")).value();
    String stateKey = stateKey(req);
    ObjectNode content = req.json();
    return Map.of("event_id", rooms.setState(req.userId(), roomId, req.path("eventType"), stateKey, content));
  }

  private Object redact(AuthedRequest req) {
    String roomId = RoomId.parse(req.path("roomId")).value();
    String eventId = EventId.parse(req.path("eventId")).value();
    JsonNode reason = req.jsonOrEmpty().get("reason");
    if (reason != null && !reason.isNull() && !reason.isTextual()) {
      throw MatrixException.badJson("reason must be a string");
    }
    String text = reason == null || reason.isNull() ? null : reason.textValue();
    return Map.of("event_id",
        rooms.redact(req.userId(), req.deviceId(), roomId, eventId, req.path("txnId"), text));
  }

  // The route without a state key segment has no such parameter: the state key is then "".
  private static String stateKey(AuthedRequest req) {
    try {
      return req.path("stateKey");
    } catch (MatrixException e) {
      return "";
    }
  }
}
