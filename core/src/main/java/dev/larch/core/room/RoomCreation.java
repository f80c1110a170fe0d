package dev.larch.core.room;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.id.RoomAlias;
import dev.larch.core.id.UserId;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.profile.Profile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Map.Entry;
import java.util.Optional;
import java.util.Set;

/**
 * Builds every event of a new room in memory, in the order {@code POST /createRoom} prescribes, before anything is
 * stored, so a request whose events the auth rules refuse leaves no half-written room behind.
 *
 * <p>Spec: client-server API, {@code POST /createRoom}: 1. {@code m.room.create}; 2. the creator's join; 3.
 * {@code m.room.power_levels} (with {@code power_level_content_override}); 4. {@code m.room.canonical_alias}; 5. the
 * preset's join rules, history visibility and guest access; 6. {@code initial_state}; 7. name and topic; 8. invites.
 */
final class RoomCreation {
  private static final Set<String> PRESETS = Set.of("private_chat", "trusted_private_chat", "public_chat");

  private final EventBuilder builder;
  private final String creator;
  private final NewRoom request;
  private final RoomVersion version;
  private final String preset;
  private final List<String> invitees;
  private final Map<StateKey, Pdu> state = new HashMap<>();
  private final List<Pdu> events = new ArrayList<>();
  private String roomId;

  RoomCreation(EventBuilder builder, String creator, NewRoom request) {
    this.builder = builder;
    this.creator = creator;
    this.request = request;
    this.version = request.roomVersion() == null
        ? RoomVersion.DEFAULT
        : RoomVersion.byIdentifier(request.roomVersion())
            .orElseThrow(() -> new MatrixException(ErrorCode.UNSUPPORTED_ROOM_VERSION,
                "Room version " + request.roomVersion() + " is not supported"));
    if (request.preset() != null && !PRESETS.contains(request.preset())) {
      throw MatrixException.badJson("Unknown preset " + request.preset());
    }
    if (request.visibility() != null && !Set.of("public", "private").contains(request.visibility())) {
      throw MatrixException.badJson("visibility must be public or private");
    }
    this.preset = request.preset() != null
        ? request.preset()
        : "public".equals(request.visibility()) ? "public_chat" : "private_chat";
    Set<String> invited = new LinkedHashSet<>();
    for (String invitee : request.invite()) {
      UserId.parse(invitee);
      if (!invitee.equals(creator)) {
        invited.add(invitee);
      }
    }
    this.invitees = List.copyOf(invited);
  }

  /** The local alias {@code room_alias_name} asks for, validated, or null. */
  String alias() {
    String name = request.roomAliasName();
    if (name == null) {
      return null;
    }
    if (name.isEmpty() || name.chars().anyMatch(c -> c == ':' || Character.isWhitespace(c))) {
      throw MatrixException.invalidParam("room_alias_name must be a non-empty local part without ':' or spaces");
    }
    return RoomAlias.parse("#" + name + ":" + builder.serverName()).toString();
  }

  /** Builds the room's events; the room ID is {@link #roomId()} afterwards. */
  List<Pdu> build(Profile creatorProfile, String alias) {
    if (!version.privilegedCreators()) {
      roomId = "!" + builder.randomId(18) + ":" + builder.serverName();
    }
    try {
      add(EventDraft.state("m.room.create", "", createContent()));
      roomId = events.get(0).roomId();
      add(EventDraft.state("m.room.member", creator, memberContent("join", creatorProfile)));
      add(EventDraft.state("m.room.power_levels", "", powerLevels()));
      if (alias != null) {
        add(EventDraft.state("m.room.canonical_alias", "", object().put("alias", alias)));
      }
      Map<StateKey, NewRoom.InitialState> initial = new HashMap<>();
      request.initialState().forEach(s -> initial.put(StateKey.of(s.type(), s.stateKey()), s));
      addPreset(initial, "m.room.join_rules", "join_rule", "public_chat".equals(preset) ? "public" : "invite");
      addPreset(initial, "m.room.history_visibility", "history_visibility", "shared");
      addPreset(initial, "m.room.guest_access", "guest_access",
          "public_chat".equals(preset) ? "forbidden" : "can_join");
      for (NewRoom.InitialState s : request.initialState()) {
        if (!"m.room.power_levels".equals(s.type()) || !s.stateKey().isEmpty()) {
          add(EventDraft.state(s.type(), s.stateKey(), s.content()));
        }
      }
      if (request.name() != null) {
        add(EventDraft.state("m.room.name", "", object().put("name", request.name())));
      }
      if (request.topic() != null) {
        add(EventDraft.state("m.room.topic", "", object().put("topic", request.topic())));
      }
      for (String invitee : invitees) {
        ObjectNode content = object().put("membership", "invite");
        if (request.isDirect()) {
          content.put("is_direct", true);
        }
        add(EventDraft.state("m.room.member", invitee, content));
      }
    } catch (MatrixException e) {
      if (e.errorCode() == ErrorCode.FORBIDDEN) {
        throw new MatrixException(ErrorCode.INVALID_ROOM_STATE, "The requested initial state is not allowed: "
            + e.getMessage());
      }
      throw e;
    }
    return List.copyOf(events);
  }

  String roomId() {
    return roomId;
  }

  private void add(EventDraft draft) {
    List<Pdu> prev = events.isEmpty() ? List.of() : List.of(events.get(events.size() - 1));
    Pdu event = builder.build(version, roomId, creator, draft, prev, slot -> Optional.ofNullable(state.get(slot)));
    event.stateSlot().ifPresent(slot -> state.put(slot, event));
    events.add(event);
  }

  private void addPreset(Map<StateKey, NewRoom.InitialState> initial, String type, String key, String value) {
    if (!initial.containsKey(StateKey.of(type, ""))) {
      add(EventDraft.state(type, "", object().put(key, value)));
    }
  }

  private ObjectNode createContent() {
    ObjectNode content = request.creationContent() == null ? object() : request.creationContent().deepCopy();
    content.remove("creator");
    content.put("room_version", version.identifier());
    if (!version.implicitRoomCreator()) {
      content.put("creator", creator);
    }
    if (version.privilegedCreators() && "trusted_private_chat".equals(preset) && !invitees.isEmpty()) {
      // v1.16: trusted_private_chat invitees join additional_creators, deduplicated.
      Set<String> creators = new LinkedHashSet<>();
      JsonNode given = content.get("additional_creators");
      if (given != null && given.isArray()) {
        given.forEach(node -> creators.add(node.asText()));
      }
      creators.addAll(invitees);
      creators.remove(creator);
      ArrayNode array = content.putArray("additional_creators");
      creators.forEach(array::add);
    }
    return content;
  }

  private ObjectNode powerLevels() {
    ObjectNode content = request.initialState().stream()
        .filter(s -> s.type().equals("m.room.power_levels") && s.stateKey().isEmpty())
        .reduce((a, b) -> b)
        .map(s -> s.content().deepCopy())
        .orElseGet(this::defaultPowerLevels);
    if (request.powerLevelContentOverride() != null) {
      for (Entry<String, JsonNode> field : request.powerLevelContentOverride().properties()) {
        content.set(field.getKey(), field.getValue().deepCopy());
      }
    }
    return content;
  }

  private ObjectNode defaultPowerLevels() {
    ObjectNode content = object();
    ObjectNode users = content.putObject("users");
    if (!version.privilegedCreators()) {
      users.put(creator, 100);
      if ("trusted_private_chat".equals(preset)) {
        invitees.forEach(invitee -> users.put(invitee, 100));
      }
    }
    content.put("users_default", 0);
    ObjectNode events = content.putObject("events");
    events.put("m.room.name", 50);
    events.put("m.room.power_levels", 100);
    events.put("m.room.history_visibility", 100);
    events.put("m.room.canonical_alias", 50);
    events.put("m.room.avatar", 50);
    // v12: tombstones must need more than state_default's admins, since creators outrank every level.
    events.put("m.room.tombstone", version.privilegedCreators() ? 150 : 100);
    events.put("m.room.server_acl", 100);
    events.put("m.room.encryption", 100);
    content.put("events_default", 0);
    content.put("state_default", 50);
    content.put("ban", 50);
    content.put("kick", 50);
    content.put("redact", 50);
    content.put("invite", "public_chat".equals(preset) ? 50 : 0);
    return content;
  }

  static ObjectNode memberContent(String membership, Profile profile) {
    ObjectNode content = object().put("membership", membership);
    if (profile != null && profile.displayName() != null) {
      content.put("displayname", profile.displayName());
    }
    if (profile != null && profile.avatarUrl() != null) {
      content.put("avatar_url", profile.avatarUrl());
    }
    return content;
  }

  private static ObjectNode object() {
    return JsonMapper.shared().createObjectNode();
  }
}
