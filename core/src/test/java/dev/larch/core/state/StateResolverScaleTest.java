package dev.larch.core.state;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A room of the size the state resolution benchmark uses: 10,000 state entries, two branches with 1,000 conflicted
 * events between them, power events among them. Checks the outcome and that the time stays far from quadratic; the
 * JMH benchmark owns the precise numbers.
 */
class StateResolverScaleTest {
  private static final int MEMBERS = 9_995;
  private static final int CHANGED_MEMBERS = 498;
  private static final int RUNS = 25;

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10", "V12"})
  void resolve_tenThousandEntriesThousandConflicts_isFastAndCorrect(RoomVersion version) {
    Room room = new Room(version);
    List<Map<StateKey, String>> stateSets = List.of(room.branchA, room.branchB);
    EventSource events = EventSource.of(room.events);
    Map<StateKey, String> resolved = Map.of();
    long best = Long.MAX_VALUE;
    // Enough runs for the JIT to compile the hot loops; a fresh walking source each time is the pessimistic case.
    for (int i = 0; i < RUNS; i++) {
      long start = System.nanoTime();
      resolved = StateResolver.resolve(version, stateSets, events, AuthChainSource.walking(events));
      best = Math.min(best, System.nanoTime() - start);
    }
    System.out.printf(
        "state res %s: %d entries, %d conflicted events, best of %d: %.1f ms%n",
        version.identifier(), room.branchA.size(), room.conflicted, RUNS, best / 1e6);
    assertTrue(room.branchA.size() >= 10_000, "entries " + room.branchA.size());
    assertEquals(1_000, room.conflicted);
    // Alice's demotion of bob is a power event with more power than bob's kick: the kick loses.
    assertEquals(room.demotion, resolved.get(ResolutionEvents.POWER_LEVELS));
    assertEquals(room.memberJoin.get(0), resolved.get(StateKey.of("m.room.member", member(0))));
    assertTrue(best < 2_000_000_000L, "took " + best / 1e6 + " ms");
  }

  private static String member(int i) {
    return "@m" + i + ":example.com";
  }

  /** Shared history, then branch A (alice) and branch B (bob) editing the same members' display names. */
  private static final class Room {
    final Map<String, Pdu> events = new HashMap<>();
    final Map<StateKey, String> branchA = new HashMap<>();
    final Map<StateKey, String> branchB;
    final List<String> memberJoin = new ArrayList<>();
    final RoomVersion version;
    String roomId;
    String demotion;
    int conflicted;
    private int ts;

    Room(RoomVersion version) {
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
  }
}
