package dev.larch.core.state;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.RoomVersion;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A generated room of the size the state resolution benchmark uses: 10,000 state entries, then two branches with
 * 1,000 conflicted events between them, power events among them. Shared by {@code StateResolverScaleTest} and the
 * JMH benchmark (through core's test jar).
 *
 * <p>Shared history, then branch A (alice demotes bob; members rename) and branch B (bob kicks member 0; the same
 * members rename differently).
 */
public final class GeneratedRoom {
  /** Members joined in the shared history, besides alice and bob. */
  public static final int MEMBERS = 9_995;
  /** Members who rename themselves on both branches. */
  public static final int CHANGED_MEMBERS = 498;

  /** Every event of the room by ID. */
  public final Map<String, Pdu> events = new HashMap<>();
  /** The state at the end of alice's branch. */
  public final Map<StateKey, String> branchA = new HashMap<>();
  /** The state at the end of bob's branch. */
  public final Map<StateKey, String> branchB;
  /** Each generated member's join, by member number. */
  public final List<String> memberJoin = new ArrayList<>();
  public final RoomVersion version;
  /** The room ID (for v12 derived from the create event ID). */
  public String roomId;
  /** Alice's demotion of bob, which must win over bob's kick. */
  public String demotion;
  /** How many events the two branches disagree on. */
  public int conflicted;
  private int ts;

  public GeneratedRoom(RoomVersion version) {
    this.version = version;
    String alice = "@alice:example.com";
    String bob = "@bob:example.com";
    ObjectNode createContent = object().put("room_version", version.identifier());
    createContent.put("creator", alice);
    String create = add(branchA, null, "m.room.create", "", alice, createContent);
    // Room version 12 derives the room ID from the create event, which carries none.
    roomId = version.privilegedCreators() ? "!" + create.substring(1) : "!room:example.com";
    if (!version.privilegedCreators()) {
      events.get(create).json().put("room_id", roomId);
    }
    String c = version.privilegedCreators() ? null : create;
    String aliceJoin = add(branchA, Arrays.asList(c), "m.room.member", alice, alice, object().put("membership", "join"));
    ObjectNode levels = object();
    ObjectNode users = levels.putObject("users");
    if (!version.privilegedCreators()) {
      users.put(alice, 100);
    }
    users.put(bob, 50);
    String pl = add(branchA, Arrays.asList(c, aliceJoin), "m.room.power_levels", "", alice, levels);
    String jr =
        add(branchA, Arrays.asList(c, aliceJoin, pl), "m.room.join_rules", "", alice, object().put("join_rule", "public"));
    String bobJoin = add(branchA, Arrays.asList(c, pl, jr), "m.room.member", bob, bob, object().put("membership", "join"));
    for (int i = 0; i < MEMBERS; i++) {
      memberJoin.add(
          add(branchA, Arrays.asList(c, pl, jr), "m.room.member", member(i), member(i), object().put("membership", "join")));
    }
    branchB = new HashMap<>(branchA);
    // Branch A: alice demotes bob, and 498 members change their display names.
    ObjectNode demoted = object();
    ObjectNode demotedUsers = demoted.putObject("users");
    if (!version.privilegedCreators()) {
      demotedUsers.put(alice, 100);
    }
    demotion = add(branchA, Arrays.asList(c, pl, aliceJoin), "m.room.power_levels", "", alice, demoted);
    // Branch B: bob kicks member 0, and the same 498 members change their names differently.
    add(branchB, Arrays.asList(c, pl, bobJoin, memberJoin.get(0)), "m.room.member", member(0), bob,
        object().put("membership", "leave"));
    for (int i = 1; i <= CHANGED_MEMBERS; i++) {
      for (Map<StateKey, String> branch : List.of(branchA, branchB)) {
        String name = (branch == branchA ? "a" : "b") + i;
        add(branch, Arrays.asList(c, pl, jr, memberJoin.get(i)), "m.room.member", member(i), member(i),
            object().put("membership", "join").put("displayname", name));
      }
    }
    for (Map.Entry<StateKey, String> entry : branchA.entrySet()) {
      if (!entry.getValue().equals(branchB.get(entry.getKey()))) {
        conflicted += 2;
      }
    }
  }

  private String add(
      Map<StateKey, String> branch,
      List<String> auth,
      String type,
      String stateKey,
      String sender,
      ObjectNode content) {
    String id = "$" + type + "-" + stateKey + "-" + events.size();
    ObjectNode json = object();
    json.put("event_id", id);
    if (roomId != null) {
      json.put("room_id", roomId);
    }
    json.put("type", type).put("state_key", stateKey).put("sender", sender).put("origin_server_ts", ts++);
    json.set("content", content);
    json.putArray("prev_events");
    ArrayNode authEvents = json.putArray("auth_events");
    if (auth != null) {
      auth.stream().filter(a -> a != null).forEach(authEvents::add);
    }
    events.put(id, new Pdu(version, json, id));
    branch.put(new StateKey(type, stateKey), id);
    return id;
  }

  private static ObjectNode object() {
    return JsonMapper.shared().createObjectNode();
  }

  /** The user ID of generated member {@code i}. */
  public static String member(int i) {
    return "@m" + i + ":example.com";
  }
}
