package dev.larch.client.room;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import dev.larch.core.error.MatrixException;
import dev.larch.core.filter.FilterParser;
import dev.larch.core.filter.RoomEventFilter;
import dev.larch.core.id.EventId;
import dev.larch.core.id.RoomId;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.json.ReceivedJson;
import dev.larch.core.room.Direction;
import dev.larch.core.room.RoomReadService;
import dev.larch.core.room.StoredEvent;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reading rooms: one event, state, members, history ({@code /messages}) and context.
 *
 * <p>Spec: client-server API v1.11, "Getting events for a room", "Room state", "Pagination", "Retrieving events
 * around an event".
 */
public final class RoomReadRoutes {
  private final RoomReadService reads;

  public RoomReadRoutes(RoomReadService reads) {
    this.reads = reads;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // GET /_matrix/client/v3/rooms/{roomId}/event/{eventId}
    ClientPaths.route(router, HttpMethod.GET, "/rooms/:roomId/event/:eventId", endpoints.authed(this::event));
    // GET /_matrix/client/v3/rooms/{roomId}/state
    ClientPaths.route(router, HttpMethod.GET, "/rooms/:roomId/state", endpoints.authed(this::state));
    // GET /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}
    ClientPaths.route(router, HttpMethod.GET, "/rooms/:roomId/state/:eventType/:stateKey",
        endpoints.authed(this::stateEvent));
    // GET /_matrix/client/v3/rooms/{roomId}/state/{eventType} (empty state key)
    ClientPaths.route(router, HttpMethod.GET, "/rooms/:roomId/state/:eventType", endpoints.authed(this::stateEvent));
    // GET /_matrix/client/v3/rooms/{roomId}/members
    ClientPaths.route(router, HttpMethod.GET, "/rooms/:roomId/members", endpoints.authed(this::members));
    // GET /_matrix/client/v3/rooms/{roomId}/joined_members
    ClientPaths.route(router, HttpMethod.GET, "/rooms/:roomId/joined_members",
        endpoints.authed(this::joinedMembers));
    // GET /_matrix/client/v3/rooms/{roomId}/messages
    ClientPaths.route(router, HttpMethod.GET, "/rooms/:roomId/messages", endpoints.authed(this::messages));
    // GET /_matrix/client/v3/rooms/{roomId}/context/{eventId}
    ClientPaths.route(router, HttpMethod.GET, "/rooms/:roomId/context/:eventId", endpoints.authed(this::context));
  }

  private Object event(AuthedRequest req) {
    return reads.event(req.userId(), req.deviceId(), roomId(req), EventId.parse(req.path("eventId")).value());
  }

  private Object state(AuthedRequest req) {
    return reads.state(req.userId(), req.deviceId(), roomId(req));
  }

  private Object stateEvent(AuthedRequest req) {
    String stateKey;
    try {
      stateKey = req.path("stateKey");
    } catch (MatrixException e) {
      stateKey = "";
    }
    StoredEvent event = reads.stateEvent(req.userId(), roomId(req), req.path("eventType"), stateKey);
    if ("event".equals(req.query("format").orElse("content"))) {
      return reads.format(event, req.userId(), req.deviceId());
    }
    return event.pdu().content();
  }

  private Object members(AuthedRequest req) {
    return Map.of("chunk", reads.members(req.userId(), req.deviceId(), roomId(req), req.query("at").orElse(null),
        req.query("membership").orElse(null), req.query("not_membership").orElse(null)));
  }

  private Object joinedMembers(AuthedRequest req) {
    return Map.of("joined", reads.joinedMembers(req.userId(), roomId(req)));
  }

  private Object messages(AuthedRequest req) {
    String dir = req.query("dir").orElse("b");
    Direction direction = switch (dir) {
      case "b" -> Direction.BACKWARDS;
      case "f" -> Direction.FORWARDS;
      default -> throw MatrixException.invalidParam("dir must be b or f");
    };
    RoomReadService.Messages page = reads.messages(req.userId(), req.deviceId(), roomId(req),
        req.query("from").orElse(null), req.query("to").orElse(null), direction, limit(req), filter(req));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("start", page.start());
    if (page.end() != null) {
      body.put("end", page.end());
    }
    body.put("chunk", page.chunk());
    if (!page.state().isEmpty()) {
      body.put("state", page.state());
    }
    return body;
  }

  private Object context(AuthedRequest req) {
    RoomReadService.Context context = reads.context(req.userId(), req.deviceId(), roomId(req),
        EventId.parse(req.path("eventId")).value(), limit(req), filter(req));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("event", context.event());
    body.put("events_before", context.eventsBefore());
    body.put("events_after", context.eventsAfter());
    body.put("state", context.state());
    body.put("start", context.start());
    body.put("end", context.end());
    return body;
  }

  private static String roomId(AuthedRequest req) {
    return RoomId.parse(req.path("roomId")).value();
  }

  private static int limit(AuthedRequest req) {
    String limit = req.query("limit").orElse(null);
    if (limit == null) {
      return 0;
    }
    try {
      int value = Integer.parseInt(limit);
      if (value < 0) {
        throw MatrixException.invalidParam("limit must not be negative");
      }
      return value;
    } catch (NumberFormatException e) {
      throw MatrixException.invalidParam("limit must be an integer");
    }
  }

  // The filter parameter is a RoomEventFilter as JSON; parsed as the timeline part of a sync filter.
  private static RoomEventFilter filter(AuthedRequest req) {
    String json = req.query("filter").orElse(null);
    if (json == null || json.isEmpty()) {
      return RoomEventFilter.ALL;
    }
    ObjectNode filter = ReceivedJson.parseObject(json.getBytes(StandardCharsets.UTF_8));
    ObjectNode wrapper = JsonMapper.shared().createObjectNode();
    wrapper.putObject("room").set("timeline", filter);
    return FilterParser.parse(wrapper).room().timeline();
  }
}
