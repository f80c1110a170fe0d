package dev.larch.core.federation.resident;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.auth.AuthResult;
import dev.larch.core.auth.AuthRules;
import dev.larch.core.auth.PowerLevels;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.id.UserId;
import dev.larch.core.json.CanonicalJson;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.Membership;
import dev.larch.core.room.EventBuilder;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code make_join}, {@code make_leave} and {@code make_knock}: the unsigned membership event template a joining
 * (leaving, knocking) server fills in, signs and sends back with {@code send_*}.
 *
 * <p>Spec: server-server API v1.11, "Joining Rooms", "Leaving Rooms", "Knocking"
 * ({@code GET /_matrix/federation/v1/make_join/{roomId}/{userId}?ver=...} and its siblings). The template is built
 * on this server's current forward extremities (prev events, depth) with the auth events the auth events selection
 * names from the state after them, exactly what {@code EventBuilder} does for a local event, minus hashes and
 * signatures, which are the joining server's. It is checked against the auth rules before it is handed out, so a
 * user who may not join learns it now (403), not at {@code send_join}. Checks, in order:
 *
 * <ol>
 *   <li>the user ID belongs to the origin (403);
 *   <li>this server is in the room (404) and the room's ACL allows the origin (403);
 *   <li>the room's version is one the origin supports ({@code ver}; 400 {@code M_INCOMPATIBLE_ROOM_VERSION} with
 *       {@code room_version}); room versions before 7 cannot be knocked on (the same error);
 *   <li>for a restricted room, the user is joined to one of the rooms of its {@code allow} list, and a local user
 *       who may invite is named in {@code join_authorised_via_users_server} (400
 *       {@code M_UNABLE_TO_AUTHORISE_JOIN} when no listed room is known here, 400 {@code M_UNABLE_TO_GRANT_JOIN}
 *       when no local user can authorise, 403 otherwise);
 *   <li>the template passes the auth rules against the current state (403).
 * </ol>
 */
public final class MembershipTemplates {
  private final RoomStore store;
  private final RoomAccess access;
  private final Clock clock;

  public MembershipTemplates(RoomStore store, RoomAccess access, Clock clock) {
    this.store = store;
    this.access = access;
    this.clock = clock;
  }

  /** A template and the room version it is for: the response body of every {@code make_*}. */
  public record Template(RoomVersion roomVersion, ObjectNode event) {
    public ObjectNode toJson() {
      ObjectNode out = JsonMapper.shared().createObjectNode();
      out.put("room_version", roomVersion.identifier());
      out.set("event", event);
      return out;
    }
  }

  /**
   * {@code make_join}.
   *
   * @param supportedVersions the {@code ver} query values; none means only room version 1, as the spec says
   */
  public Template makeJoin(String origin, String roomId, String userId, List<String> supportedVersions) {
    RoomVersion version = checkRequest(origin, roomId, userId);
    requireSupported(version, supportedVersions, "join");
    ObjectNode content = JsonMapper.shared().createObjectNode().put("membership", "join");
    authorisingUser(roomId, version, userId).ifPresent(user -> content.put("join_authorised_via_users_server", user));
    return template(roomId, version, userId, content);
  }

  /** {@code make_leave}. */
  public Template makeLeave(String origin, String roomId, String userId) {
    RoomVersion version = checkRequest(origin, roomId, userId);
    return template(roomId, version, userId, JsonMapper.shared().createObjectNode().put("membership", "leave"));
  }

  /** {@code make_knock}; {@code ver} is required by the spec, and knocking needs room version 7 or later. */
  public Template makeKnock(String origin, String roomId, String userId, List<String> supportedVersions) {
    RoomVersion version = checkRequest(origin, roomId, userId);
    requireSupported(version, supportedVersions, "knock on");
    if (!version.supportsKnocking()) {
      throw incompatible(version, "Room version " + version.identifier() + " does not support knocking");
    }
    return template(roomId, version, userId, JsonMapper.shared().createObjectNode().put("membership", "knock"));
  }

  private RoomVersion checkRequest(String origin, String roomId, String userId) {
    UserId.parse(userId);
    if (!RoomAccess.belongsTo(userId, origin)) {
      throw MatrixException.forbidden("User " + userId + " does not belong to server " + origin);
    }
    return access.requireAllowed(roomId, origin);
  }

  private static void requireSupported(RoomVersion version, List<String> supportedVersions, String action) {
    Set<String> supported = new LinkedHashSet<>();
    for (String value : supportedVersions) {
      // Senders repeat ver=...; the spec's OpenAPI form (explode: false) would join them with commas.
      for (String part : value.split(",")) {
        if (!part.isEmpty()) {
          supported.add(part);
        }
      }
    }
    if (supported.isEmpty()) {
      supported.add("1");
    }
    if (!supported.contains(version.identifier())) {
      throw incompatible(version, "Your server does not support room version " + version.identifier()
          + ", needed to " + action + " this room");
    }
  }

  private static MatrixException incompatible(RoomVersion version, String message) {
    return new MatrixException(ErrorCode.INCOMPATIBLE_ROOM_VERSION, message,
        Map.of("room_version", version.identifier()), null);
  }

  // The template on the room's head, checked against the auth rules.
  private Template template(String roomId, RoomVersion version, String userId, ObjectNode content) {
    RoomHead head = RoomHead.current(store, roomId, version)
        .orElseThrow(() -> MatrixException.notFound("This server is not in room " + roomId));
    ObjectNode json = JsonMapper.shared().createObjectNode();
    json.put("room_id", roomId);
    json.put("sender", userId);
    json.put("type", "m.room.member");
    json.put("state_key", userId);
    json.set("content", content);
    long depth = 0;
    for (Pdu prev : head.prevEvents()) {
      depth = Math.max(depth, prev.depth());
    }
    json.put("depth", Math.min(depth + 1, CanonicalJson.MAX_SAFE_INTEGER));
    json.put("origin_server_ts", clock.millis());
    if (!version.implicitRoomCreator()) {
      json.put("origin", access.serverName());
    }
    json.set("prev_events", EventBuilder.references(version, head.prevEvents()));
    Pdu provisional = new Pdu(version, json, "$template");
    Map<StateKey, Pdu> authState = head.authState(store, provisional);
    List<Pdu> authEvents = new ArrayList<>();
    for (StateKey slot : AuthRules.authEventTypes(provisional)) {
      Pdu event = authState.get(slot);
      if (event != null) {
        authEvents.add(event);
      }
    }
    json.set("auth_events", EventBuilder.references(version, authEvents));
    AuthResult result = AuthRules.authorize(new Pdu(version, json, "$template"), authState);
    if (result instanceof AuthResult.Rejected rejected) {
      throw MatrixException.forbidden("The user may not do this in the room (rule " + rejected.reason() + ")");
    }
    return new Template(version, json);
  }

  /**
   * For a join to a restricted room by a user who is neither invited nor joined: a local user who may invite, once
   * the user meets one of the {@code allow} conditions. Empty when the room is not restricted for this user.
   */
  private Optional<String> authorisingUser(String roomId, RoomVersion version, String userId) {
    Optional<Pdu> joinRules = access.currentStateEvent(roomId, StateKey.of("m.room.join_rules", ""));
    String rule = joinRules.map(e -> e.content().path("join_rule").asText(null)).orElse(null);
    boolean restricted = (version.supportsRestrictedJoins() && "restricted".equals(rule))
        || (version.supportsKnockRestricted() && "knock_restricted".equals(rule));
    if (!restricted) {
      return Optional.empty();
    }
    String current = access.currentStateEvent(roomId, StateKey.of("m.room.member", userId))
        .map(Pdu::membership).orElse("leave");
    if ("join".equals(current) || "invite".equals(current)) {
      return Optional.empty();
    }
    boolean anyKnown = false;
    boolean allowed = false;
    for (JsonNode condition : joinRules.get().content().path("allow")) {
      String allowRoom = condition.path("room_id").asText(null);
      if (!"m.room_membership".equals(condition.path("type").asText()) || allowRoom == null) {
        continue;
      }
      if (store.roomVersion(allowRoom).isEmpty() || !access.serverJoined(allowRoom, access.serverName())) {
        continue;
      }
      anyKnown = true;
      String membership = access.currentStateEvent(allowRoom, StateKey.of("m.room.member", userId))
          .map(Pdu::membership).orElse(null);
      if ("join".equals(membership)) {
        allowed = true;
        break;
      }
    }
    if (!anyKnown) {
      throw new MatrixException(ErrorCode.UNABLE_TO_AUTHORISE_JOIN,
          "This server cannot check any of the rooms that give access to " + roomId);
    }
    if (!allowed) {
      // A knock_restricted room may still be knocked on; the auth rules will refuse the join template.
      return Optional.empty();
    }
    Pdu create = access.currentStateEvent(roomId, StateKey.of("m.room.create", "")).orElse(null);
    Pdu levelsEvent = access.currentStateEvent(roomId, StateKey.of("m.room.power_levels", "")).orElse(null);
    PowerLevels levels = PowerLevels.of(version, create, levelsEvent);
    for (Membership member : store.members(roomId)) {
      if ("join".equals(member.membership()) && RoomAccess.belongsTo(member.userId(), access.serverName())
          && levels.userLevel(member.userId()) >= levels.invite()) {
        return Optional.of(member.userId());
      }
    }
    throw new MatrixException(ErrorCode.UNABLE_TO_GRANT_JOIN,
        "No user of this server may authorise joins to " + roomId + "; try another server");
  }
}
