package dev.larch.federation.join;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.EventSigner;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.PduVerifier;
import dev.larch.core.event.StateKey;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.federation.join.FakeResident;
import dev.larch.core.federation.join.FederatedMembership;
import dev.larch.core.federation.keys.ServerKeys;
import dev.larch.core.filter.RoomEventFilter;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.membership.MembershipService;
import dev.larch.core.room.ClientEvents;
import dev.larch.core.room.Direction;
import dev.larch.core.room.EventBuilder;
import dev.larch.core.room.EventSender;
import dev.larch.core.room.HistoryVisibility;
import dev.larch.core.room.Membership;
import dev.larch.core.room.NewRoom;
import dev.larch.core.room.RoomLocks;
import dev.larch.core.room.RoomReadService;
import dev.larch.core.room.RoomService;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.event.RoomEventListener;
import dev.larch.storage.alias.JdbcAliasStore;
import dev.larch.storage.contract.TestDatabase;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.membership.JdbcForgottenRoomStore;
import dev.larch.storage.profile.JdbcProfileStore;
import dev.larch.storage.room.CachingRoomStore;
import dev.larch.storage.room.JdbcRoomStore;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Outbound membership over federation end to end on the real stores (H2 and PostgreSQL): {@code MembershipService}
 * wired with {@link FederatedMembership} against fake resident servers that sign real events; what was stored is
 * read back through {@code RoomReadService} ({@code /messages}, {@code /state}) and the memberships {@code /sync}
 * reads.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class RemoteMembershipTest {
  private static final String US = "larch.test";
  private static final String ALICE = "@alice:remote.test";
  private static final long NOW = 1_700_000_500_000L;

  private final TestDatabase kind;
  @TempDir Path tempDir;
  private String url;
  private Database database;
  private RoomStore store;
  private MembershipService memberships;
  private RoomService rooms;
  private RoomReadService reads;
  private final EventSigner signer = new EventSigner(US, "ed25519:us", SigningKey.fromSeed(new byte[32]));
  private final Map<String, FakeResident> servers = new HashMap<>();
  private final List<String> notified = new CopyOnWriteArrayList<>();
  private final List<String> woken = new CopyOnWriteArrayList<>();
  private final String user = "@joiner:" + US;

  RemoteMembershipTest(TestDatabase kind) {
    this.kind = kind;
  }

  @BeforeEach
  void open() {
    url = kind.createUrl(tempDir);
    database = Database.open(url, 8);
    store = new CachingRoomStore(new JdbcRoomStore(database), 10_000);
    Clock clock = Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    List<RoomEventListener> listeners =
        List.of((event, position, local) -> notified.add(event.eventId() + (local ? " local" : " remote")));
    EventSender sender = new EventSender(store, new EventBuilder(signer, clock, new SplittableRandom(3)),
        new RoomLocks(), listeners);
    FederationClient network = (destination, method, path, body) -> {
      FakeResident server = servers.get(destination);
      if (server == null) {
        throw RemoteServerException.unreachable(destination, "no route", null);
      }
      return server.request(destination, method, path, body);
    };
    ServerKeys keys = (server, keyId, at) -> {
      FakeResident fake = servers.get(server);
      return fake == null ? Optional.empty() : fake.keys().verifyKey(server, keyId, at);
    };
    FederatedMembership federated =
        new FederatedMembership(store, sender, signer, network, keys, listeners, woken::add);
    JdbcAliasStore aliases = new JdbcAliasStore(database);
    JdbcProfileStore profiles = new JdbcProfileStore(database);
    memberships = new MembershipService(store, sender, aliases, profiles, new JdbcForgottenRoomStore(database),
        federated);
    rooms = new RoomService(store, sender, aliases, profiles);
    reads = new RoomReadService(store, new HistoryVisibility(store), new ClientEvents(store, clock));
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
    kind.drop(url);
  }

  private FakeResident resident(String name, RoomVersion version) {
    FakeResident resident = new FakeResident(name, version);
    resident.trust(US, signer.verifyKey());
    servers.put(name, resident);
    return resident;
  }

  private Optional<String> membership(String roomId, String userId) {
    return memberships.membership(roomId, userId);
  }

  // Every event of /messages paged backwards from now, oldest first, as "type body-or-state_key".
  private List<String> history(String roomId) {
    List<String> seen = new ArrayList<>();
    String from = null;
    for (int page = 0; page < 20; page++) {
      RoomReadService.Messages messages =
          reads.messages(user, "DEV", roomId, from, null, Direction.BACKWARDS, 7, RoomEventFilter.ALL);
      for (ObjectNode event : messages.chunk()) {
        String type = event.get("type").textValue();
        seen.add(0, type.equals("m.room.message") ? event.path("content").path("body").textValue()
            : type + " " + event.path("state_key").asText(""));
      }
      if (messages.end() == null) {
        return seen;
      }
      from = messages.end();
    }
    throw new AssertionError("no end of history");
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10", "V12"})
  void joinByAliasStoresTheRoomAndBackfillsHistoryForMessages(RoomVersion version) {
    FakeResident remote = resident("remote.test", version);
    remote.createRoom(ALICE);
    for (int i = 1; i <= 30; i++) {
      remote.message(ALICE, "m" + i);
    }
    remote.alias("#beachparty:remote.test");

    String roomId = memberships.join(user, "#beachparty:remote.test", null);

    assertEquals(remote.roomId(), roomId);
    assertEquals(Optional.of("join"), membership(roomId, user));
    assertTrue(memberships.joinedRooms(user).contains(roomId));
    // Current state is the resident's state plus our join; the resident has our join too.
    Map<StateKey, String> expected = new HashMap<>(remote.state());
    assertEquals(expected, store.currentState(roomId));
    assertEquals(remote.state().get(StateKey.of("m.room.member", user)),
        store.currentStateEventId(roomId, StateKey.of("m.room.member", user)).orElseThrow());
    String joinId = remote.state().get(StateKey.of("m.room.member", user));
    assertTrue(notified.contains(joinId + " local"), notified.toString());
    assertEquals(java.util.Set.of(joinId), store.forwardExtremities(roomId));
    // /messages pages back from the join through the backfilled history (the last 50 events before the join).
    List<String> history = history(roomId);
    assertEquals("m.room.member " + user, history.get(history.size() - 1));
    List<String> expectedMessages = new ArrayList<>();
    for (int i = 1; i <= 30; i++) {
      expectedMessages.add("m" + i);
    }
    assertEquals(expectedMessages, history.stream().filter(s -> s.startsWith("m") && !s.startsWith("m.")).toList());
    assertTrue(history.contains("m.room.join_rules "), history.toString());
    // The room's state as a client reads it.
    List<String> stateTypes = reads.state(user, "DEV", roomId).stream().map(e -> e.get("type").textValue()).toList();
    assertTrue(stateTypes.containsAll(List.of("m.room.create", "m.room.power_levels", "m.room.join_rules",
        "m.room.history_visibility", "m.room.member")), stateTypes.toString());
    // A message sent now follows the join in the DAG.
    String sent = rooms.send(user, "DEV", roomId, "m.room.message", "t1",
        JsonMapper.shared().createObjectNode().put("msgtype", "m.text").put("body", "hi from larch"));
    assertEquals(List.of(joinId), store.event(sent).orElseThrow().pdu().prevEventIds());
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10"})
  void aLongHistoryIsBackfilledFromTheStateAtItsOldestEvent(RoomVersion version) {
    FakeResident remote = resident("remote.test", version);
    remote.createRoom(ALICE);
    remote.add(ALICE, "m.room.topic", "", JsonMapper.shared().createObjectNode().put("topic", "old"));
    for (int i = 1; i <= 80; i++) {
      remote.message(ALICE, "m" + i);
    }

    String roomId = memberships.join(user, remote.roomId(), null, List.of("remote.test"));

    // The 50 events before the join are m31..m80; the oldest of them gets its state from state_ids.
    List<String> expected = new ArrayList<>();
    for (int i = 31; i <= 80; i++) {
      expected.add("m" + i);
    }
    expected.add("m.room.member " + user);
    assertEquals(expected, history(roomId));
    assertTrue(remote.requests().stream().anyMatch(r -> r.contains("/state_ids/")), remote.requests().toString());
    String oldest = remote.events().values().stream().filter(e -> "m31".equals(e.content().path("body").asText()))
        .findFirst().orElseThrow().eventId();
    Map<StateKey, String> atOldest = store.stateBefore(oldest).orElseThrow();
    assertEquals(remote.state().get(StateKey.of("m.room.topic", "")), atOldest.get(StateKey.of("m.room.topic", "")));
    // History stays below the join: the next /sync-ordered read starts after the join, which is the newest event.
    assertEquals(java.util.Set.of(remote.state().get(StateKey.of("m.room.member", user))),
        store.forwardExtremities(roomId));
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10"})
  void aDownServerIsSkippedForTheNextCandidate(RoomVersion version) {
    FakeResident remote = resident("remote.test", version);
    remote.createRoom(ALICE);
    FakeResident dead = resident("dead.test", version);
    dead.down(true);

    String roomId = memberships.join(user, remote.roomId(), null, List.of("dead.test", "remote.test"));

    assertEquals(Optional.of("join"), membership(roomId, user));
    assertFalse(dead.requests().isEmpty());
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10"})
  void forgedStateFailsTheJoinAndStoresNothing(RoomVersion version) {
    FakeResident remote = resident("remote.test", version);
    remote.createRoom(ALICE);
    remote.tamperSendJoin(answer -> {
      for (var event : answer.get("state")) {
        if ("m.room.power_levels".equals(event.get("type").textValue())) {
          ((ObjectNode) event.get("content")).putObject("users").put(user, 100);
        }
      }
      return answer;
    });

    MatrixException e = assertThrows(MatrixException.class,
        () -> memberships.join(user, remote.roomId(), null, List.of("remote.test")));

    assertEquals(502, e.httpStatus());
    assertEquals("M_UNKNOWN", e.errorCode().code());
    assertTrue(store.roomVersion(remote.roomId()).isEmpty());
    assertTrue(store.currentState(remote.roomId()).isEmpty());
    assertTrue(notified.isEmpty());
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10"})
  void allCandidatesDownIsBadGatewayAndRefusalsPassThrough(RoomVersion version) {
    FakeResident remote = resident("remote.test", version);
    remote.createRoom(ALICE);
    remote.down(true);
    MatrixException down = assertThrows(MatrixException.class,
        () -> memberships.join(user, remote.roomId(), null, List.of("remote.test", "nowhere.test")));
    assertEquals(502, down.httpStatus());

    remote.down(false);
    remote.refuse("make_join");
    MatrixException refused = assertThrows(MatrixException.class,
        () -> memberships.join(user, remote.roomId(), null, List.of("remote.test")));
    assertEquals(403, refused.httpStatus());
    assertEquals("M_FORBIDDEN", refused.errorCode().code());
    assertTrue(store.roomVersion(remote.roomId()).isEmpty());
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10"})
  void anUnknownRemoteAliasIsNotFound(RoomVersion version) {
    resident("remote.test", version).createRoom(ALICE);
    MatrixException e = assertThrows(MatrixException.class,
        () -> memberships.join(user, "#nothing:remote.test", null));
    assertEquals(404, e.httpStatus());
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10", "V12"})
  void inviteOfARemoteUserIsCountersignedStoredAndSent(RoomVersion version) {
    FakeResident remote = resident("remote.test", version);
    String roomId = rooms.createRoom(user, new NewRoom("public_chat", null, null, null, null, List.of(), false,
        version.identifier(), null, List.of(), null));
    notified.clear();

    memberships.invite(user, roomId, "@bob:remote.test", "come");

    Optional<String> inviteId = store.currentStateEventId(roomId, StateKey.of("m.room.member", "@bob:remote.test"));
    Pdu invite = store.event(inviteId.orElseThrow()).orElseThrow().pdu();
    assertEquals("invite", invite.membership());
    assertEquals("come", invite.content().get("reason").textValue());
    // Signed by both servers, and the listeners (sync, the federation sender) heard of it as a local event.
    assertTrue(PduVerifier.verify(invite, (s, k) -> s.equals(US) ? Optional.of(signer.verifyKey())
        : remote.keys().verifyKey(s, k, ServerKeys.ANY_TIME)).isSignedByAll(java.util.Set.of(US, "remote.test")));
    assertEquals(List.of(invite.eventId() + " local"), notified);
    assertEquals(java.util.Set.of(invite.eventId()), store.forwardExtremities(roomId));
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10"})
  void anInviteTheRemoteRefusesIsNotStored(RoomVersion version) {
    FakeResident remote = resident("remote.test", version);
    remote.refuse("/invite/");
    String roomId = rooms.createRoom(user, NewRoom.defaults());
    MatrixException e = assertThrows(MatrixException.class,
        () -> memberships.invite(user, roomId, "@bob:remote.test", null));
    assertEquals(403, e.httpStatus());
    assertTrue(store.currentStateEventId(roomId, StateKey.of("m.room.member", "@bob:remote.test")).isEmpty());
  }

  // An invite from the fake stored the way an incoming invite is (InviteReceiver): an out-of-band membership.
  private Pdu receiveInvite(FakeResident remote, String inviter) {
    Pdu invite = remote.add(inviter, "m.room.member", user, JsonMapper.shared().createObjectNode()
        .put("membership", "invite"));
    store.persistOutOfBandMembership(invite);
    return invite;
  }

  // The user's membership row, which /sync reads (current state, or out-of-band).
  private Membership row(String roomId) {
    return store.membershipsOf(user).stream().filter(m -> m.roomId().equals(roomId)).findFirst().orElseThrow();
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V12"})
  void joiningAfterAnInviteGoesThroughTheInvitersServer(RoomVersion version) {
    FakeResident remote = resident("remote.test", version);
    remote.createRoom(ALICE);
    receiveInvite(remote, ALICE);
    assertEquals(Optional.of("invite"), membership(remote.roomId(), user));

    // A v12 room ID names no server, and the client names none: the inviter's server is the one to ask.
    memberships.join(user, remote.roomId(), null);

    assertEquals(Optional.of("join"), membership(remote.roomId(), user));
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10"})
  void rejectingAnInviteLeavesThroughTheResidentOrLocallyWhenItIsGone(RoomVersion version) {
    FakeResident remote = resident("remote.test", version);
    remote.createRoom(ALICE);
    receiveInvite(remote, ALICE);

    memberships.leave(user, remote.roomId(), "no thanks");

    Membership leave = row(remote.roomId());
    assertEquals("leave", leave.membership());
    assertEquals("no thanks", store.event(leave.eventId()).orElseThrow().pdu().content().get("reason").textValue());
    assertEquals(leave.eventId(), remote.state().get(StateKey.of("m.room.member", user)));
    assertTrue(leave.streamPosition() > 0, "sync shows a leave only with a stream position");
    assertTrue(woken.contains(user));
    // Nothing of the room's state was made up: we still do not hold it.
    assertTrue(store.currentState(remote.roomId()).isEmpty());

    // A second invite, and the inviting server is gone: the invite is rejected here only.
    FakeResident again = resident("again.test", version);
    again.createRoom("@carol:again.test");
    Pdu invite = receiveInvite(again, "@carol:again.test");
    again.down(true);
    memberships.leave(user, again.roomId(), null);
    StoredEvent local = store.event(row(again.roomId()).eventId()).orElseThrow();
    assertEquals("leave", local.pdu().membership());
    assertEquals(List.of(invite.eventId()), local.pdu().prevEventIds());
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V10"})
  void knockThenWithdraw(RoomVersion version) {
    FakeResident remote = resident("remote.test", version);
    remote.createRoom(ALICE);
    remote.add(ALICE, "m.room.join_rules", "", JsonMapper.shared().createObjectNode().put("join_rule", "knock"));

    String roomId = memberships.knock(user, remote.roomId(), "let me in", List.of("remote.test"));

    assertEquals(Optional.of("knock"), membership(roomId, user));
    assertEquals("knock", row(roomId).membership());
    Pdu knock = store.event(row(roomId).eventId()).orElseThrow().pdu();
    assertTrue(knock.json().path("unsigned").path("knock_room_state").isArray());
    assertEquals(knock.eventId(), remote.state().get(StateKey.of("m.room.member", user)));

    memberships.leave(user, roomId, null);
    assertEquals(Optional.of("leave"), membership(roomId, user));
    assertEquals("leave", remote.events().get(remote.state().get(StateKey.of("m.room.member", user))).membership());
  }
}
