package dev.larch.core.sync;

import static dev.larch.core.sync.SyncFixture.ALICE;
import static dev.larch.core.sync.SyncFixture.BOB;
import static dev.larch.core.sync.SyncFixture.CAROL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.event.StateKey;
import dev.larch.core.filter.Filter;
import dev.larch.core.filter.FilterParser;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.PaginationToken;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.sync.SyncResult.JoinedRoom;
import dev.larch.core.sync.SyncResult.LeftRoom;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@link SyncService} computing responses (no waiting) over the real JDBC stores on H2. */
class SyncServiceTest {
  private final SyncFixture fx = new SyncFixture();

  @AfterEach
  void close() throws Exception {
    fx.close();
  }

  private static Filter filter(String json) throws Exception {
    return FilterParser.parse(JsonMapper.shared().readTree(json));
  }

  private static List<String> bodies(List<StoredEvent> events) {
    return events.stream()
        .filter(e -> e.pdu().type().equals("m.room.message"))
        .map(e -> e.pdu().content().get("body").asText())
        .toList();
  }

  private static Set<StateKey> keys(List<StoredEvent> state) {
    return state.stream().filter(e -> e.pdu().isState())
        .map(e -> StateKey.of(e.pdu().type(), e.pdu().stateKey())).collect(Collectors.toSet());
  }

  @Test
  void initial_joinedRoom_hasFullStateTimelineAndSummary() {
    String room = fx.roomWith(ALICE, BOB);
    fx.send(ALICE, room, "hello");

    SyncResult result = fx.initial(BOB);
    JoinedRoom joined = result.join().get(room);
    assertNotNull(joined);
    assertEquals(List.of("hello"), bodies(joined.timeline().events()));
    List<StoredEvent> all = new java.util.ArrayList<>(joined.state());
    all.addAll(joined.timeline().events());
    assertTrue(keys(all).containsAll(Set.of(StateKey.of("m.room.create", ""),
        StateKey.of("m.room.power_levels", ""), StateKey.of("m.room.member", ALICE),
        StateKey.of("m.room.member", BOB))));
    assertEquals(2, joined.summary().joinedMemberCount());
    assertEquals(List.of(ALICE), joined.summary().heroes());
    assertEquals(fx.sync.currentToken(), result.nextBatch());
  }

  @Test
  void initial_timelineLimit_isLimitedWithPrevBatchOfFirstEvent() throws Exception {
    String room = fx.roomWith(ALICE);
    for (int i = 0; i < 5; i++) {
      fx.send(ALICE, room, "m" + i);
    }
    JoinedRoom joined = fx.initial(ALICE, filter("{\"room\":{\"timeline\":{\"limit\":2}}}")).join().get(room);
    assertEquals(List.of("m3", "m4"), bodies(joined.timeline().events()));
    assertTrue(joined.timeline().limited());
    assertEquals(PaginationToken.before(joined.timeline().events().get(0)).format(), joined.timeline().prevBatch());
    // The state is the state at the timeline's start: everything of the room before "m3".
    assertTrue(keys(joined.state()).contains(StateKey.of("m.room.member", ALICE)));
  }

  @Test
  void incremental_returnsOnlyNewEvents_withoutStateWhenUnchanged() {
    String room = fx.roomWith(ALICE, BOB);
    SyncToken token = fx.initial(BOB).nextBatch();
    assertTrue(fx.since(BOB, token).isEmpty());

    fx.send(ALICE, room, "new");
    SyncResult next = fx.since(BOB, token);
    JoinedRoom joined = next.join().get(room);
    assertEquals(List.of("new"), bodies(joined.timeline().events()));
    assertFalse(joined.timeline().limited());
    assertTrue(joined.state().isEmpty());
    assertNull(joined.summary());
    assertTrue(next.nextBatch().events() > token.events());
    assertTrue(fx.since(BOB, next.nextBatch()).isEmpty());
  }

  @Test
  void incremental_limitedTimeline_carriesStateDeltaBetweenTokenAndTimelineStart() throws Exception {
    String room = fx.roomWith(ALICE, BOB);
    SyncToken token = fx.initial(BOB).nextBatch();
    String topic = fx.setState(ALICE, room, "m.room.topic", "", "topic", "gap topic");
    for (int i = 0; i < 4; i++) {
      fx.send(ALICE, room, "m" + i);
    }
    JoinedRoom joined = fx.since(BOB, token, filter("{\"room\":{\"timeline\":{\"limit\":2}}}")).join().get(room);
    assertTrue(joined.timeline().limited());
    assertEquals(List.of("m2", "m3"), bodies(joined.timeline().events()));
    assertEquals(List.of(topic), joined.state().stream().map(StoredEvent::eventId).toList());
  }

  @Test
  void incremental_newlyJoinedRoom_getsFullState() {
    String room = fx.createRoom(ALICE);
    fx.send(ALICE, room, "before bob");
    SyncToken token = fx.initial(BOB).nextBatch();
    assertTrue(fx.initial(BOB).join().isEmpty());

    fx.membership.invite(ALICE, room, BOB, null);
    SyncResult invited = fx.since(BOB, token);
    assertTrue(invited.invite().containsKey(room));
    List<String> inviteTypes = invited.invite().get(room).inviteState().stream()
        .map(e -> e.get("type").asText()).toList();
    assertTrue(inviteTypes.contains("m.room.create"));
    assertTrue(invited.invite().get(room).inviteState().stream()
        .anyMatch(e -> e.get("type").asText().equals("m.room.member")
            && e.get("state_key").asText().equals(BOB)
            && e.get("content").get("membership").asText().equals("invite")));

    SyncToken afterInvite = invited.nextBatch();
    fx.membership.join(BOB, room, null);
    JoinedRoom joined = fx.since(BOB, afterInvite).join().get(room);
    assertNotNull(joined);
    assertTrue(keys(joined.state()).contains(StateKey.of("m.room.create", "")));
    assertNotNull(joined.summary());
    assertTrue(fx.since(BOB, afterInvite).invite().isEmpty());
  }

  @Test
  void leave_sectionEndsAtTheLeave_andLaterEventsStayHidden() throws Exception {
    String room = fx.roomWith(ALICE, BOB);
    SyncToken token = fx.initial(BOB).nextBatch();
    fx.send(ALICE, room, "while bob is here");
    fx.membership.leave(BOB, room, null);
    fx.send(ALICE, room, "after bob left");

    SyncResult result = fx.since(BOB, token);
    assertFalse(result.join().containsKey(room));
    LeftRoom left = result.leave().get(room);
    assertNotNull(left);
    List<StoredEvent> timeline = left.timeline().events();
    assertEquals(List.of("while bob is here"), bodies(timeline));
    StoredEvent last = timeline.get(timeline.size() - 1);
    assertEquals("m.room.member", last.pdu().type());
    assertEquals("leave", last.pdu().membership());

    // Not in the next sync, and not in an initial sync unless include_leave asks.
    assertTrue(fx.since(BOB, result.nextBatch()).leave().isEmpty());
    assertTrue(fx.initial(BOB).leave().isEmpty());
    LeftRoom again = fx.initial(BOB, filter("{\"room\":{\"include_leave\":true}}")).leave().get(room);
    assertFalse(bodies(again.timeline().events()).contains("after bob left"));

    fx.membership.forget(BOB, room);
    assertTrue(fx.initial(BOB, filter("{\"room\":{\"include_leave\":true}}")).leave().isEmpty());
  }

  @Test
  void lazyLoading_sendsOnlyTheMembersOfTheTimelinesSenders() throws Exception {
    String room = fx.roomWith(ALICE, BOB, CAROL);
    for (int i = 0; i < 3; i++) {
      fx.send(BOB, room, "bob " + i);
    }
    Filter lazy = filter("{\"room\":{\"timeline\":{\"limit\":3},\"state\":{\"lazy_load_members\":true}}}");
    JoinedRoom joined = fx.initial(ALICE, lazy).join().get(room);
    Set<String> members = joined.state().stream()
        .filter(e -> e.pdu().type().equals("m.room.member"))
        .map(e -> e.pdu().stateKey())
        .collect(Collectors.toSet());
    assertEquals(Set.of(ALICE, BOB), members);
    assertEquals(3, joined.summary().joinedMemberCount());

    JoinedRoom eager = fx.initial(ALICE, filter("{\"room\":{\"timeline\":{\"limit\":3}}}")).join().get(room);
    assertTrue(keys(eager.state()).contains(StateKey.of("m.room.member", CAROL)));
  }

  @Test
  void filters_typesSendersAndRooms() throws Exception {
    String room = fx.roomWith(ALICE, BOB);
    String other = fx.roomWith(ALICE);
    fx.send(ALICE, room, "from alice");
    fx.send(BOB, room, "from bob");
    fx.send(ALICE, other, "elsewhere");

    SyncResult onlyBob = fx.initial(ALICE,
        filter("{\"room\":{\"rooms\":[\"" + room + "\"],\"timeline\":{\"senders\":[\"" + BOB + "\"]}}}"));
    assertEquals(Set.of(room), onlyBob.join().keySet());
    assertEquals(List.of("from bob"), bodies(onlyBob.join().get(room).timeline().events()));

    SyncResult noMessages = fx.initial(ALICE,
        filter("{\"room\":{\"not_rooms\":[\"" + other + "\"],\"timeline\":{\"not_types\":[\"m.room.*\"]}}}"));
    assertEquals(Set.of(room), noMessages.join().keySet());
    assertTrue(noMessages.join().get(room).timeline().events().isEmpty());
  }

  @Test
  void historyVisibilityJoined_hidesEventsFromBeforeTheJoin() {
    String room = fx.createRoom(ALICE);
    fx.setState(ALICE, room, "m.room.history_visibility", "", "history_visibility", "joined");
    fx.send(ALICE, room, "secret");
    fx.membership.invite(ALICE, room, BOB, null);
    fx.membership.join(BOB, room, null);
    fx.send(ALICE, room, "public");

    JoinedRoom joined = fx.initial(BOB).join().get(room);
    assertEquals(List.of("public"), bodies(joined.timeline().events()));
    assertEquals(List.of("secret", "public"), bodies(fx.initial(ALICE).join().get(room).timeline().events()));
  }

  @Test
  void accountData_globalAndPerRoom_inInitialAndIncremental() {
    String room = fx.roomWith(ALICE);
    SyncToken token = fx.initial(ALICE).nextBatch();
    fx.accountData.put(ALICE, ALICE, null, "org.example.setting",
        JsonMapper.shared().createObjectNode().put("on", true));
    fx.accountData.putTag(ALICE, ALICE, room, "u.work", JsonMapper.shared().createObjectNode().put("order", 0.5));

    SyncResult next = fx.since(ALICE, token);
    assertEquals(List.of("org.example.setting"),
        next.accountData().stream().map(e -> e.get("type").asText()).toList());
    JoinedRoom joined = next.join().get(room);
    assertEquals("m.tag", joined.accountData().get(0).get("type").asText());
    assertEquals(0.5, joined.accountData().get(0).get("content").get("tags").get("u.work").get("order").asDouble());
    assertTrue(fx.since(ALICE, next.nextBatch()).isEmpty());
    assertEquals(1, fx.initial(ALICE).accountData().size());
  }

  @Test
  void presence_ownPresenceAppearsOnceItChanges() throws Exception {
    fx.roomWith(ALICE);
    SyncResult initial = fx.initial(ALICE);
    assertEquals("online", initial.presence().get(0).get("content").get("presence").asText());
    SyncToken first = initial.nextBatch();
    assertTrue(fx.since(ALICE, first).presence().isEmpty());
    fx.presence.put(ALICE, ALICE, JsonMapper.shared().readTree("{\"presence\":\"unavailable\",\"status_msg\":\"afk\"}"));
    SyncResult next = fx.since(ALICE, first);
    assertEquals(1, next.presence().size());
    assertEquals("unavailable", next.presence().get(0).get("content").get("presence").asText());
    assertEquals("afk", next.presence().get(0).get("content").get("status_msg").asText());
    assertTrue(fx.since(ALICE, next.nextBatch()).presence().isEmpty());
  }

  @Test
  void fullState_incremental_sendsTheWholeStateAgain() {
    String room = fx.roomWith(ALICE, BOB);
    SyncToken token = fx.initial(BOB).nextBatch();
    fx.send(ALICE, room, "x");
    SyncResult full = fx.sync.sync(new SyncRequest(BOB, "DEVICE", token, Filter.DEFAULT, true, 0, null))
        .toCompletableFuture().join();
    assertTrue(keys(full.join().get(room).state()).contains(StateKey.of("m.room.create", "")));
    assertTrue(fx.since(BOB, token).join().get(room).state().isEmpty());
  }

  @Test
  void knock_appearsInTheKnockSectionWithStrippedState() {
    String room = fx.createRoom(ALICE);
    fx.setState(ALICE, room, "m.room.join_rules", "", "join_rule", "knock");
    SyncToken token = fx.initial(BOB).nextBatch();
    fx.membership.knock(BOB, room, "let me in");
    SyncResult result = fx.since(BOB, token);
    List<String> types = result.knock().get(room).knockState().stream().map(e -> e.get("type").asText()).toList();
    assertTrue(types.contains("m.room.join_rules"));
    assertTrue(types.contains("m.room.member"));
    assertTrue(fx.since(BOB, result.nextBatch()).knock().isEmpty());
  }
}
