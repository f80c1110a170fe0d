package dev.larch.client.room;

import static dev.larch.client.room.TestRooms.json;
import static dev.larch.client.room.TestRooms.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.filter.RoomEventFilter;
import dev.larch.core.room.Direction;
import dev.larch.core.room.NewRoom;
import dev.larch.core.room.RoomReadService;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Membership changes and every read path, with history visibility, over the real stores. */
class MembershipAndReadTest extends RoomServicesTest {
  private String alice;
  private String bob;
  private String carol;

  @BeforeEach
  void createUsers() {
    alice = t.user("alice");
    bob = t.user("bob");
    carol = t.user("carol");
  }

  private static void assertError(ErrorCode code, Executable call) {
    assertEquals(code, assertThrows(MatrixException.class, call).errorCode());
  }

  private String publicRoom(String historyVisibility) {
    List<NewRoom.InitialState> state = historyVisibility == null ? List.of()
        : List.of(new NewRoom.InitialState("m.room.history_visibility", "",
            json("{\"history_visibility\":\"" + historyVisibility + "\"}")));
    return t.rooms.createRoom(alice,
        new NewRoom("public_chat", null, null, null, null, List.of(), false, null, null, state, null));
  }

  private List<String> bodies(List<ObjectNode> events) {
    List<String> out = new ArrayList<>();
    for (ObjectNode event : events) {
      if (event.path("content").has("body")) {
        out.add(event.get("content").get("body").asText());
      }
    }
    return out;
  }

  private RoomReadService.Messages messages(String user, String roomId, String from, Direction dir, int limit) {
    return t.reads.messages(user, "D", roomId, from, null, dir, limit, RoomEventFilter.ALL);
  }

  @Test
  void inviteJoinLeaveForget_followTheMembershipRules() {
    String roomId = t.rooms.createRoom(alice, NewRoom.defaults());
    assertError(ErrorCode.FORBIDDEN, () -> t.memberships.join(bob, roomId, null)); // invite-only
    t.memberships.invite(alice, roomId, bob, null);
    assertEquals("invite", t.memberships.membership(roomId, bob).orElseThrow());
    assertError(ErrorCode.UNKNOWN, () -> t.memberships.forget(bob, roomId)); // still invited
    assertEquals(roomId, t.memberships.join(bob, roomId, "hello"));
    assertEquals(List.of(roomId), t.memberships.joinedRooms(bob));
    t.memberships.leave(bob, roomId, null);
    t.memberships.leave(bob, roomId, null); // twice is fine
    assertTrue(t.memberships.joinedRooms(bob).isEmpty());
    t.memberships.forget(bob, roomId);
    assertError(ErrorCode.FORBIDDEN, () -> t.memberships.leave(carol, roomId, null));
  }

  @Test
  void invite_remoteUser_isForbiddenAndBadIdIsInvalidParam() {
    String roomId = t.rooms.createRoom(alice, NewRoom.defaults());
    assertError(ErrorCode.FORBIDDEN, () -> t.memberships.invite(alice, roomId, "@x:elsewhere.test", null));
    assertError(ErrorCode.INVALID_PARAM, () -> t.memberships.invite(alice, roomId, "not-a-user", null));
    assertError(ErrorCode.FORBIDDEN, () -> t.memberships.invite(alice, "!unknown:larch.test", bob, null));
  }

  @Test
  void join_unknownRoomOrAlias_isNotFound() {
    assertError(ErrorCode.NOT_FOUND, () -> t.memberships.join(bob, "!unknown:larch.test", null));
    assertError(ErrorCode.NOT_FOUND, () -> t.memberships.join(bob, "#nope:larch.test", null));
    assertError(ErrorCode.INVALID_PARAM, () -> t.memberships.join(bob, "garbage", null));
  }

  @Test
  void join_byAlias_joinsTheRoom() {
    String roomId = t.rooms.createRoom(alice,
        new NewRoom("public_chat", null, "lobby", null, null, List.of(), false, null, null, List.of(), null));
    assertEquals(roomId, t.memberships.join(bob, "#lobby:larch.test", null));
    assertEquals("join", t.memberships.membership(roomId, bob).orElseThrow());
  }

  @Test
  void kickBanUnban_needPowerAndTheRightCurrentMembership() {
    String roomId = publicRoom(null);
    t.memberships.join(bob, roomId, null);
    t.memberships.join(carol, roomId, null);
    assertError(ErrorCode.FORBIDDEN, () -> t.memberships.kick(bob, roomId, carol, null)); // bob has no power
    t.memberships.kick(alice, roomId, carol, "bye");
    assertEquals("leave", t.memberships.membership(roomId, carol).orElseThrow());
    t.memberships.ban(alice, roomId, carol, null);
    assertError(ErrorCode.FORBIDDEN, () -> t.memberships.join(carol, roomId, null));
    t.memberships.unban(alice, roomId, carol, null);
    assertError(ErrorCode.FORBIDDEN, () -> t.memberships.unban(alice, roomId, carol, null));
    t.memberships.join(carol, roomId, null);
  }

  @Test
  void knock_onlyWhereTheJoinRuleAllows() {
    String roomId = t.rooms.createRoom(alice, new NewRoom(null, null, null, null, null, List.of(), false, "10",
        null, List.of(new NewRoom.InitialState("m.room.join_rules", "", json("{\"join_rule\":\"knock\"}"))), null));
    assertEquals(roomId, t.memberships.knock(bob, roomId, "let me in"));
    assertEquals("knock", t.memberships.membership(roomId, bob).orElseThrow());
    String old = t.rooms.createRoom(alice, new NewRoom(null, null, null, null, null, List.of(), false, "6", null,
        List.of(), null));
    assertError(ErrorCode.FORBIDDEN, () -> t.memberships.knock(bob, old, null));
    String inviteOnly = t.rooms.createRoom(alice, NewRoom.defaults());
    assertError(ErrorCode.FORBIDDEN, () -> t.memberships.knock(bob, inviteOnly, null));
  }

  @Test
  void messages_pagesBackwardsAndForwardsWithTokens() {
    String roomId = publicRoom(null);
    for (int i = 1; i <= 5; i++) {
      t.rooms.send(alice, "D", roomId, "m.room.message", "t" + i, text("m" + i));
    }
    RoomReadService.Messages page1 = messages(alice, roomId, null, Direction.BACKWARDS, 2);
    assertEquals(List.of("m5", "m4"), bodies(page1.chunk()));
    RoomReadService.Messages page2 = messages(alice, roomId, page1.end(), Direction.BACKWARDS, 2);
    assertEquals(List.of("m3", "m2"), bodies(page2.chunk()));
    // end is the gap before m2, the page's oldest event: forwards from it starts with m2 again.
    RoomReadService.Messages forwards = messages(alice, roomId, page2.end(), Direction.FORWARDS, 10);
    assertEquals(List.of("m2", "m3", "m4", "m5"), bodies(forwards.chunk()));
    RoomReadService.Messages forwardPage = messages(alice, roomId, page2.end(), Direction.FORWARDS, 2);
    assertEquals(List.of("m2", "m3"), bodies(forwardPage.chunk()));
    assertEquals(List.of("m4", "m5"), bodies(messages(alice, roomId, forwardPage.end(), Direction.FORWARDS, 2)
        .chunk()));
    assertEquals(List.of("m3", "m2"), bodies(messages(alice, roomId, forwardPage.end(), Direction.BACKWARDS, 2)
        .chunk()));
    assertNull(forwards.end(), "nothing after the newest event");
    RoomReadService.Messages all = messages(alice, roomId, null, Direction.BACKWARDS, 100);
    assertNull(all.end());
    assertEquals("m.room.create", all.chunk().get(all.chunk().size() - 1).get("type").asText());
    // A sync token: s<N> is just after stream position N.
    long position = t.store.latestStreamPosition();
    t.rooms.send(alice, "D", roomId, "m.room.message", "t6", text("m6"));
    assertEquals(List.of("m5"), bodies(messages(alice, roomId, "s" + position, Direction.BACKWARDS, 1).chunk()));
    assertEquals(List.of("m6"), bodies(messages(alice, roomId, "s" + position + "_7_1", Direction.FORWARDS, 5)
        .chunk()));
    assertError(ErrorCode.INVALID_PARAM, () -> messages(alice, roomId, "x12", Direction.BACKWARDS, 1));
  }

  @Test
  void messages_filterAndLazyLoadedMembers() {
    String roomId = publicRoom(null);
    t.memberships.join(bob, roomId, null);
    t.rooms.send(bob, "D", roomId, "m.room.message", "t1", text("from bob"));
    t.rooms.send(alice, "D", roomId, "m.custom", "t2", json("{\"x\":1}"));
    RoomEventFilter filter = dev.larch.core.filter.FilterParser.parse(json(
        "{\"room\":{\"timeline\":{\"types\":[\"m.room.message\"],\"lazy_load_members\":true}}}")).room().timeline();
    RoomReadService.Messages page =
        t.reads.messages(alice, "D", roomId, null, null, Direction.BACKWARDS, 10, filter);
    assertEquals(List.of("from bob"), bodies(page.chunk()));
    assertEquals(1, page.state().size());
    assertEquals(bob, page.state().get(0).get("state_key").asText());
  }

  @Test
  void messages_transactionIdOnlyForTheSendingDevice() {
    String roomId = publicRoom(null);
    t.rooms.send(alice, "D", roomId, "m.room.message", "txn-a", text("x"));
    ObjectNode own = messages(alice, roomId, null, Direction.BACKWARDS, 1).chunk().get(0);
    assertEquals("txn-a", own.get("unsigned").get("transaction_id").asText());
    ObjectNode other = t.reads.messages(alice, "OTHER", roomId, null, null, Direction.BACKWARDS, 1,
        RoomEventFilter.ALL).chunk().get(0);
    assertNull(other.get("unsigned").get("transaction_id"));
    assertNull(own.get("hashes"));
    assertNull(own.get("prev_events"));
    assertNotNull(own.get("unsigned").get("age"));
  }

  @Test
  void historyVisibility_joinedOnly_hidesEventsBeforeTheJoin() {
    String roomId = publicRoom("joined");
    t.rooms.send(alice, "D", roomId, "m.room.message", "t1", text("before"));
    t.memberships.join(bob, roomId, null);
    t.rooms.send(alice, "D", roomId, "m.room.message", "t2", text("after"));
    assertEquals(List.of("after"), bodies(messages(bob, roomId, null, Direction.BACKWARDS, 50).chunk()));
    String before = bodiesEventId(roomId, "before");
    assertError(ErrorCode.NOT_FOUND, () -> t.reads.event(bob, "D", roomId, before));
  }

  @Test
  void historyVisibility_shared_showsHistoryToNewMembersButNotAfterLeaving() {
    String roomId = publicRoom("shared");
    t.rooms.send(alice, "D", roomId, "m.room.message", "t1", text("before"));
    t.memberships.join(bob, roomId, null);
    assertEquals(List.of("before"), bodies(messages(bob, roomId, null, Direction.BACKWARDS, 50).chunk()));
    t.memberships.leave(bob, roomId, null);
    t.rooms.send(alice, "D", roomId, "m.room.message", "t2", text("after leaving"));
    assertEquals(List.of("before"), bodies(messages(bob, roomId, null, Direction.BACKWARDS, 50).chunk()));
    // Never a member: not even the room's state.
    assertError(ErrorCode.FORBIDDEN, () -> messages(carol, roomId, null, Direction.BACKWARDS, 10));
    assertError(ErrorCode.FORBIDDEN, () -> t.reads.state(carol, "D", roomId));
    assertEquals("leave", t.reads.stateEvent(bob, roomId, "m.room.member", bob).pdu().membership());
  }

  @Test
  void historyVisibility_invited_showsEventsFromTheInvite() {
    String roomId = t.rooms.createRoom(alice, new NewRoom(null, null, null, null, null, List.of(), false, null,
        null, List.of(new NewRoom.InitialState("m.room.history_visibility", "",
            json("{\"history_visibility\":\"invited\"}"))), null));
    t.rooms.send(alice, "D", roomId, "m.room.message", "t1", text("before invite"));
    t.memberships.invite(alice, roomId, bob, null);
    t.rooms.send(alice, "D", roomId, "m.room.message", "t2", text("while invited"));
    t.memberships.join(bob, roomId, null);
    assertEquals(List.of("while invited"), bodies(messages(bob, roomId, null, Direction.BACKWARDS, 50).chunk()));
  }

  @Test
  void historyVisibility_worldReadable_letsAnyoneRead() {
    String roomId = publicRoom("world_readable");
    t.rooms.send(alice, "D", roomId, "m.room.message", "t1", text("public"));
    assertEquals(List.of("public"), bodies(messages(carol, roomId, null, Direction.BACKWARDS, 50).chunk()));
    assertTrue(t.reads.state(carol, "D", roomId).size() > 3);
  }

  @Test
  void context_membersAndJoinedMembers() {
    String roomId = publicRoom(null);
    t.profiles.setDisplayName(bob, bob, "Bob");
    t.memberships.join(bob, roomId, null);
    List<String> ids = new ArrayList<>();
    for (int i = 1; i <= 5; i++) {
      ids.add(t.rooms.send(alice, "D", roomId, "m.room.message", "t" + i, text("m" + i)));
    }
    RoomReadService.Context context = t.reads.context(bob, "D", roomId, ids.get(2), 4, RoomEventFilter.ALL);
    assertEquals("m3", context.event().get("content").get("body").asText());
    assertEquals(List.of("m2", "m1"), bodies(context.eventsBefore()));
    assertEquals(List.of("m4", "m5"), bodies(context.eventsAfter()));
    assertTrue(context.state().size() > 3);
    // start pages on before m1 (bob's join); end pages on after m5 (nothing).
    assertEquals(bob, messages(bob, roomId, context.start(), Direction.BACKWARDS, 1).chunk().get(0)
        .get("state_key").asText());
    assertTrue(messages(bob, roomId, context.end(), Direction.FORWARDS, 5).chunk().isEmpty());

    assertEquals("Bob", t.reads.joinedMembers(bob, roomId).get(bob).get("display_name"));
    assertEquals(2, t.reads.members(bob, "D", roomId, null, "join", null).size());
    assertEquals(0, t.reads.members(bob, "D", roomId, null, null, "join").size());
    assertError(ErrorCode.FORBIDDEN, () -> t.reads.joinedMembers(carol, roomId));
  }

  @Test
  void profileChange_isPropagatedToJoinedRooms() {
    String roomId = publicRoom(null);
    t.profiles.setDisplayName(alice, alice, "Alice A");
    t.profiles.setAvatarUrl(alice, alice, "mxc://larch.test/abc");
    ObjectNode member = t.state(roomId, "m.room.member", alice);
    assertEquals("Alice A", member.get("displayname").asText());
    assertEquals("mxc://larch.test/abc", member.get("avatar_url").asText());
    assertEquals("Alice A", t.profiles.get(alice).displayName());
    assertError(ErrorCode.FORBIDDEN, () -> t.profiles.setDisplayName(bob, alice, "x"));
    assertError(ErrorCode.NOT_FOUND, () -> t.profiles.get("@ghost:larch.test"));
  }

  @Test
  void aliases_createResolveListDelete() {
    String roomId = publicRoom(null);
    t.aliases.create(alice, "#hall:larch.test", roomId);
    assertEquals(roomId, t.aliases.resolve("#hall:larch.test").roomId());
    MatrixException taken = assertThrows(MatrixException.class,
        () -> t.aliases.create(alice, "#hall:larch.test", roomId));
    assertEquals(409, taken.httpStatus());
    assertError(ErrorCode.INVALID_PARAM, () -> t.aliases.create(alice, "#hall:elsewhere.test", roomId));
    assertError(ErrorCode.FORBIDDEN, () -> t.aliases.create(bob, "#bobs:larch.test", roomId));
    assertEquals(List.of("#hall:larch.test"), t.aliases.aliasesOf(alice, roomId));
    t.memberships.join(bob, roomId, null);
    assertError(ErrorCode.FORBIDDEN, () -> t.aliases.delete(bob, "#hall:larch.test"));
    t.aliases.delete(alice, "#hall:larch.test");
    assertError(ErrorCode.NOT_FOUND, () -> t.aliases.resolve("#hall:larch.test"));
  }

  private String bodiesEventId(String roomId, String body) {
    return messages(alice, roomId, null, Direction.BACKWARDS, 50).chunk().stream()
        .filter(e -> body.equals(e.path("content").path("body").asText()))
        .findFirst().orElseThrow().get("event_id").asText();
  }
}
