package dev.larch.core.auth;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.RoomVersion;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A room under test: its create event, a mutable state map the rules read, and a fluent builder for events.
 *
 * <p>State is set up by {@link EventBuilder#apply()}, which puts an event into the state without authorizing it, so
 * a test can arrange any state; {@link EventBuilder#authorize()} runs the rules on an event against that state.
 * Event IDs are explicit and deterministic; hashes and signatures are not part of the auth rules and are left out.
 */
final class RoomFixture {
  static final String ALICE = "@alice:a.example";
  static final String BOB = "@bob:b.example";
  static final String CAROL = "@carol:c.example";
  static final String DAVE = "@dave:b.example";
  static final String OTHER_PREV = "$unrelated-prev-event";

  /** Test JSON: single quotes allowed for readability, decimals read exactly as the server reads them. */
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(JsonReadFeature.ALLOW_SINGLE_QUOTES)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  final RoomVersion version;
  final Map<StateKey, Pdu> state = new HashMap<>();
  final Pdu create;
  final String roomId;
  private int counter;

  private RoomFixture(RoomVersion version, String creator, String createContent) {
    this.version = version;
    ObjectNode content = json(createContent);
    content.put("room_version", version.identifier());
    if (!version.implicitRoomCreator() && !content.has("creator")) {
      content.put("creator", creator);
    }
    EventBuilder builder = new EventBuilder(this, EventTypes.CREATE).sender(creator).stateKey("").content(content);
    builder.prevEvents();
    if (version.privilegedCreators()) {
      builder.without("room_id");
    }
    this.create = builder.build();
    this.roomId = create.roomId();
    state.put(StateKey.of(EventTypes.CREATE, ""), create);
  }

  /** A room of {@code version} holding only its create event, created by Alice. */
  static RoomFixture created(RoomVersion version) {
    return new RoomFixture(version, ALICE, "{}");
  }

  /** A room of {@code version} created by {@code creator} with this extra create content. */
  static RoomFixture created(RoomVersion version, String creator, String createContent) {
    return new RoomFixture(version, creator, createContent);
  }

  /**
   * A working room: Alice created and joined it, power levels give her 100 (v12: she is a creator, so
   * {@code users} stays empty), and the join rule is {@code joinRule}.
   */
  static RoomFixture standard(RoomVersion version, String joinRule) {
    RoomFixture room = created(version);
    room.member(ALICE, ALICE, "join");
    room.powerLevels(version.privilegedCreators() ? "{'users': {}}" : "{'users': {'" + ALICE + "': 100}}");
    room.joinRule(joinRule);
    return room;
  }

  EventBuilder event(String type) {
    return new EventBuilder(this, type);
  }

  EventBuilder stateEvent(String type, String stateKey) {
    return new EventBuilder(this, type).stateKey(stateKey);
  }

  /** An {@code m.room.member} event by {@code sender} about {@code target}. */
  EventBuilder memberEvent(String sender, String target, String membership) {
    return stateEvent(EventTypes.MEMBER, target).sender(sender).content("{'membership': '" + membership + "'}");
  }

  /** Puts a membership into the state. */
  Pdu member(String sender, String target, String membership) {
    return memberEvent(sender, target, membership).apply();
  }

  /** Puts an {@code m.room.power_levels} event with this content, sent by Alice, into the state. */
  Pdu powerLevels(String content) {
    return stateEvent(EventTypes.POWER_LEVELS, "").content(content).apply();
  }

  /**
   * Puts power levels with these {@code properties} (a JSON object body without braces) into the state, Alice
   * keeping 100 in {@code users}; from v12 she is a creator, may not be listed, and has infinite power anyway.
   */
  Pdu powerLevelsKeepingAlice(String properties) {
    if (version.privilegedCreators()) {
      return powerLevels("{" + properties + "}");
    }
    return powerLevels("{" + properties + ", 'users': {'" + ALICE + "': 100}}");
  }

  /** Puts an {@code m.room.join_rules} event into the state. */
  Pdu joinRule(String rule) {
    return stateEvent(EventTypes.JOIN_RULES, "").content("{'join_rule': '" + rule + "'}").apply();
  }

  String nextEventId(String sender) {
    counter++;
    if (version.eventsCarryIds()) {
      return "$e" + counter + ":" + sender.substring(sender.indexOf(':') + 1);
    }
    // 43 characters that are valid in both base64 alphabets, like a real reference hash.
    return "$" + String.format("%043d", counter);
  }

  static ObjectNode json(String text) {
    try {
      return (ObjectNode) JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("bad test JSON: " + text, e);
    }
  }

  /** Builds one event of the room. Defaults: sender Alice, no state key, empty content, one unrelated prev event. */
  static final class EventBuilder {
    private final RoomFixture room;
    private final ObjectNode json;
    private String eventId;
    private List<String> prevEvents = List.of(OTHER_PREV);

    EventBuilder(RoomFixture room, String type) {
      this.room = room;
      this.json = JSON.createObjectNode();
      json.put("type", type);
      json.put("sender", ALICE);
      if (room.roomId != null) {
        json.put("room_id", room.roomId);
      } else {
        json.put("room_id", "!room:a.example");
      }
      json.putObject("content");
      json.putArray("auth_events");
      json.put("depth", 1);
      json.put("origin_server_ts", 1_700_000_000_000L);
    }

    EventBuilder sender(String sender) {
      json.put("sender", sender);
      return this;
    }

    EventBuilder stateKey(String stateKey) {
      json.put("state_key", stateKey);
      return this;
    }

    EventBuilder content(String content) {
      return content(json(content));
    }

    EventBuilder content(ObjectNode content) {
      json.set("content", content);
      return this;
    }

    EventBuilder roomId(String roomId) {
      json.put("room_id", roomId);
      return this;
    }

    EventBuilder id(String id) {
      this.eventId = id;
      return this;
    }

    /** Sets {@code prev_events}, in the room version's format. */
    EventBuilder prevEvents(String... ids) {
      this.prevEvents = List.of(ids);
      return this;
    }

    /** Names the redacted event where the room version puts it: top level before v11, in content from v11. */
    EventBuilder redacts(String eventId) {
      if (room.version.redactsInContent()) {
        ((ObjectNode) json.get("content")).put("redacts", eventId);
      } else {
        json.put("redacts", eventId);
      }
      return this;
    }

    /** Sets any top-level field to raw JSON, for malformed-event cases. */
    EventBuilder raw(String field, String jsonValue) {
      try {
        json.set(field, JSON.readTree(jsonValue));
      } catch (java.io.IOException e) {
        throw new IllegalArgumentException(jsonValue, e);
      }
      return this;
    }

    EventBuilder without(String field) {
      json.remove(field);
      return this;
    }

    Pdu build() {
      String id = eventId != null ? eventId : room.nextEventId(json.path("sender").asText("@x:x"));
      ObjectNode copy = json.deepCopy();
      if (!copy.has("prev_events")) {
        ArrayNode prev = copy.putArray("prev_events");
        for (String prevId : prevEvents) {
          if (room.version.eventsCarryIds()) {
            prev.addArray().add(prevId).addObject();
          } else {
            prev.add(prevId);
          }
        }
      }
      if (room.version.eventsCarryIds()) {
        copy.put("event_id", id);
      }
      return new Pdu(room.version, copy, id);
    }

    /** The rules' verdict on this event against the room's current state. */
    AuthResult authorize() {
      return AuthRules.authorize(build(), room.state);
    }

    /** Builds the event and puts it into the room state (without authorizing it). */
    Pdu apply() {
      Pdu event = build();
      room.state.put(event.stateSlot().orElseThrow(), event);
      return event;
    }
  }

  /** Parses test JSON (single quotes allowed) into any node. */
  static JsonNode node(String text) {
    try {
      return JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(text, e);
    }
  }
}
