package dev.larch.core.state;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.auth.AuthRules;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.RoomVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * A random room for property tests: a shared history, then several branches forked from it, each a chain of random
 * state events (joins, leaves, kicks, bans, topics, power levels and join rules changes) that passed the auth rules
 * against their branch's state when generated. The state maps to resolve are the branches' final states.
 */
final class RandomRoom {
  private static final String SERVER = "example.com";
  private static final int USERS = 12;

  private final RoomVersion version;
  private final Random random;
  private final Map<String, Pdu> events = new LinkedHashMap<>();
  private String roomId;
  private int counter;

  private RandomRoom(RoomVersion version, Random random) {
    this.version = version;
    this.random = random;
  }

  /** The events and the branches' state maps. */
  record Generated(RoomVersion version, Map<String, Pdu> events, List<Map<StateKey, String>> stateSets) {}

  static Generated generate(RoomVersion version, Random random, int sharedEvents, int branches, int branchEvents) {
    return new RandomRoom(version, random).build(sharedEvents, branches, branchEvents);
  }

  private Generated build(int sharedEvents, int branches, int branchEvents) {
    Branch shared = new Branch();
    String creator = user(0);
    ObjectNode createContent = JsonMapper.shared().createObjectNode().put("room_version", version.identifier());
    if (!version.implicitRoomCreator()) {
      createContent.put("creator", creator);
    }
    shared.tryAppend("m.room.create", "", creator, createContent);
    shared.tryAppend("m.room.member", creator, creator, membership("join"));
    ObjectNode levels = JsonMapper.shared().createObjectNode();
    ObjectNode users = levels.putObject("users");
    if (!version.privilegedCreators()) {
      users.put(creator, 100);
    }
    users.put(user(1), 100);
    users.put(user(2), 50);
    shared.tryAppend("m.room.power_levels", "", creator, levels);
    shared.tryAppend("m.room.join_rules", "", creator, JsonMapper.shared().createObjectNode().put("join_rule", "public"));
    for (int i = 1; i < USERS; i++) {
      shared.tryAppend("m.room.member", user(i), user(i), membership("join"));
    }
    for (int i = 0; i < sharedEvents; i++) {
      shared.randomEvent();
    }
    List<Map<StateKey, String>> stateSets = new ArrayList<>();
    for (int b = 0; b < branches; b++) {
      Branch branch = shared.fork();
      for (int i = 0; i < branchEvents; i++) {
        branch.randomEvent();
      }
      Map<StateKey, String> ids = new HashMap<>();
      branch.state.forEach((key, pdu) -> ids.put(key, pdu.eventId()));
      stateSets.add(ids);
    }
    return new Generated(version, events, stateSets);
  }

  private static String user(int i) {
    return "@u" + i + ":" + SERVER;
  }

  private static ObjectNode membership(String membership) {
    return JsonMapper.shared().createObjectNode().put("membership", membership);
  }

  /** One line of history and the state after its last event. */
  private final class Branch {
    private final Map<StateKey, Pdu> state = new HashMap<>();
    private String last;
    private long depth;

    Branch fork() {
      Branch copy = new Branch();
      copy.state.putAll(state);
      copy.last = last;
      copy.depth = depth;
      return copy;
    }

    void randomEvent() {
      String sender = user(random.nextInt(USERS));
      String target = user(random.nextInt(USERS));
      switch (random.nextInt(7)) {
        case 0 -> tryAppend("m.room.member", sender, sender, membership("join"));
        case 1 -> tryAppend("m.room.member", sender, sender, membership("leave"));
        case 2 -> tryAppend("m.room.member", target, sender, membership(random.nextBoolean() ? "leave" : "ban"));
        case 3 -> tryAppend(
            "m.room.topic", "", sender, JsonMapper.shared().createObjectNode().put("topic", "t" + counter));
        case 4 -> {
          ObjectNode content = JsonMapper.shared().createObjectNode();
          Pdu current = state.get(ResolutionEvents.POWER_LEVELS);
          if (current != null) {
            content.setAll(current.content().deepCopy());
          }
          ObjectNode users = content.has("users") ? (ObjectNode) content.get("users") : content.putObject("users");
          if (!version.privilegedCreators() || !target.equals(user(0))) {
            users.put(target, new int[] {0, 25, 50, 75, 100}[random.nextInt(5)]);
          }
          tryAppend("m.room.power_levels", "", sender, content);
        }
        case 5 -> tryAppend(
            "m.room.join_rules",
            "",
            sender,
            JsonMapper.shared().createObjectNode().put("join_rule", random.nextBoolean() ? "public" : "invite"));
        default -> tryAppend("m.room.name", "", sender, JsonMapper.shared().createObjectNode().put("name", "n"));
      }
    }

    /** Builds the event with its auth events selected from this branch's state; keeps it if the rules allow it. */
    void tryAppend(String type, String stateKey, String sender, ObjectNode content) {
      String id = "$e" + counter++ + ":" + SERVER;
      ObjectNode json = JsonMapper.shared().createObjectNode();
      json.put("event_id", id);
      if (roomId != null) {
        json.put("room_id", roomId);
      } else if (!version.privilegedCreators()) {
        json.put("room_id", "!room:" + SERVER);
      }
      json.put("type", type).put("state_key", stateKey).put("sender", sender);
      json.set("content", content);
      // Coarse timestamps so that ties happen and the event ID has to break them.
      json.put("origin_server_ts", counter / 3);
      json.put("depth", depth + 1);
      ArrayNode prev = json.putArray("prev_events");
      if (last != null) {
        prev.add(last);
      }
      ArrayNode auth = json.putArray("auth_events");
      Map<StateKey, Pdu> authState = new HashMap<>();
      for (StateKey key : AuthRules.authEventTypes(new Pdu(version, json, id))) {
        Pdu pdu = state.get(key);
        if (pdu != null) {
          auth.add(pdu.eventId());
          authState.put(key, pdu);
        }
      }
      Pdu create = state.get(ResolutionEvents.CREATE);
      if (create != null) {
        authState.put(ResolutionEvents.CREATE, create);
      }
      Pdu pdu = new Pdu(version, json, id);
      if (!AuthRules.authorize(pdu, authState).isAllowed()) {
        return;
      }
      if ("m.room.create".equals(type)) {
        roomId = pdu.roomId();
      }
      events.put(id, pdu);
      state.put(new StateKey(type, stateKey), pdu);
      last = id;
      depth++;
    }
  }
}
