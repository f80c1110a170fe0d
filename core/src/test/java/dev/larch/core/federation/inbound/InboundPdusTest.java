package dev.larch.core.federation.inbound;

import static dev.larch.core.federation.inbound.InboundFixture.ALICE;
import static dev.larch.core.federation.inbound.InboundFixture.BOB;
import static dev.larch.core.federation.inbound.InboundFixture.CAROL;
import static dev.larch.core.federation.inbound.InboundFixture.LOCAL;
import static dev.larch.core.federation.inbound.InboundFixture.MALLORY;
import static dev.larch.core.federation.inbound.InboundFixture.REMOTE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.StateKey;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.room.EventStatus;
import dev.larch.core.room.RoomVersion;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.state.EventSource;
import dev.larch.core.state.StateResolver;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The inbound pipeline against a fake remote server that signs its own events: each kind of event lands as the
 * spec's "Checks performed on receipt of a PDU" says, and the room state afterwards is what state resolution gives.
 */
class InboundPdusTest {
  private static final String DAVE = "@dave:" + REMOTE;
  private static final String MISSING = "POST /_matrix/federation/v1/get_missing_events/";
  private static final String STATE_IDS = "GET /_matrix/federation/v1/state_ids/";
  private static final String EVENT_AUTH = "GET /_matrix/federation/v1/event_auth/";

  private final InMemoryRoomStore store = new InMemoryRoomStore();
  private InboundFixture f = new InboundFixture(RoomVersion.V10, store, ReceivedTransactions.inMemory());

  private void use(RoomVersion version) {
    f = new InboundFixture(version, new InMemoryRoomStore(), ReceivedTransactions.inMemory());
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V1", "V3", "V10", "V12"})
  void validEvent_isAccepted_extendsTheRoom_andListenersHearItAsRemote(RoomVersion version) {
    use(version);
    Pdu message = f.remote.message(BOB, "hello");

    JsonNode results = f.send("t1", message);

    assertEquals(JsonMapper.shared().createObjectNode(), results.get(message.eventId()));
    assertTrue(f.status(message.eventId()).visibleToClients());
    assertEquals(Set.of(message.eventId()), f.store.forwardExtremities(f.roomId()));
    assertEquals(List.of(message.eventId() + " remote"), f.heard);
    assertEquals(f.remote.stateAfter(message.eventId()), f.store.currentState(f.roomId()));
    assertEquals(List.of(), f.remote.requests(), "nothing had to be fetched");
  }

  @Test
  void forgedSignature_isDropped_andNotStored() {
    Pdu message = f.remote.message(BOB, "hello");

    JsonNode results = f.sendJson("t1", FakeRemoteServer.forged(message, REMOTE));

    assertTrue(results.get(message.eventId()).get("error").textValue().contains("not validly signed by " + REMOTE));
    assertTrue(f.store.event(message.eventId()).isEmpty());
    assertEquals(List.of(), f.heard);
  }

  @Test
  void eventOfOurUser_signedOnlyByTheRemote_isDropped() {
    // remote.test may not speak for @alice:larch.test: the sender's server must sign.
    Pdu message = f.remote.message(ALICE, "I never said this");
    ObjectNode json = message.json().deepCopy();
    json.remove("signatures");
    Pdu resigned = f.remote.addServer(REMOTE).addSignature(new Pdu(message.roomVersion(), json, message.eventId()));

    JsonNode results = f.sendJson("t1", resigned.json());

    assertTrue(results.get(message.eventId()).get("error").textValue().contains(LOCAL));
    assertTrue(f.store.event(message.eventId()).isEmpty());
  }

  @Test
  void contentHashMismatch_isStoredRedacted_andStillAccepted() {
    Pdu message = f.remote.message(BOB, "original");

    JsonNode results = f.sendJson("t1", FakeRemoteServer.withChangedBody(message, "tampered on the way"));

    assertEquals(0, results.get(message.eventId()).size());
    StoredEvent stored = f.store.event(message.eventId()).orElseThrow();
    assertTrue(stored.status().visibleToClients());
    assertEquals(0, stored.pdu().content().size(), "only the redacted form is kept");
    assertEquals(message.eventId(), stored.eventId());
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V1", "V3", "V10", "V12"})
  void outOfOrder_prevEventsAreFetchedWithGetMissingEvents_andProcessedFirst(RoomVersion version) {
    use(version);
    Pdu first = f.remote.message(BOB, "one");
    Pdu second = f.remote.topic(BOB, "two");
    Pdu third = f.remote.message(BOB, "three");

    JsonNode results = f.send("t1", third);

    assertEquals(0, results.get(third.eventId()).size());
    assertEquals(1, f.remote.requestCount(MISSING));
    List<String> timeline = ((InMemoryRoomStore) f.store).timeline(f.roomId()).stream()
        .map(StoredEvent::eventId).toList();
    assertEquals(List.of(first.eventId(), second.eventId(), third.eventId()),
        timeline.subList(timeline.size() - 3, timeline.size()));
    assertEquals(List.of(first.eventId() + " remote", second.eventId() + " remote", third.eventId() + " remote"),
        f.heard);
    assertEquals(Set.of(third.eventId()), f.store.forwardExtremities(f.roomId()));
    assertEquals(f.remote.stateAfter(third.eventId()), f.store.currentState(f.roomId()));
  }

  @Test
  void eventsOfOneTransaction_inReverseOrder_needNoFetching_andShareOneCommit() {
    Pdu first = f.remote.message(BOB, "one");
    Pdu second = f.remote.message(BOB, "two");
    int commitsBefore = store.commits().size();

    f.send("t1", second, first);

    assertTrue(f.status(first.eventId()).visibleToClients());
    assertTrue(f.status(second.eventId()).visibleToClients());
    assertEquals(List.of(), f.remote.requests());
    assertEquals(List.of(List.of(first.eventId(), second.eventId())), store.commits().subList(commitsBefore,
        store.commits().size()));
  }

  @ParameterizedTest
  @EnumSource(value = RoomVersion.class, names = {"V1", "V10", "V12"})
  void gapLongerThanGetMissingEvents_isBridgedWithStateIds(RoomVersion version) {
    use(version);
    Pdu topic = f.remote.topic(BOB, "set in the gap");
    Pdu daveJoin = f.remote.join(DAVE);
    List<Pdu> messages = new ArrayList<>();
    for (int i = 0; i < MissingEvents.LIMIT + 3; i++) {
      messages.add(f.remote.message(i % 2 == 0 ? DAVE : BOB, "message " + i));
    }
    Pdu last = f.remote.message(DAVE, "last");

    JsonNode results = f.send("t1", last);

    assertEquals(0, results.get(last.eventId()).size());
    assertEquals(1, f.remote.requestCount(MISSING));
    assertEquals(1, f.remote.requestCount(STATE_IDS));
    assertEquals(f.remote.stateAfter(last.eventId()), f.store.currentState(f.roomId()));
    assertTrue(f.status(topic.eventId()).outlier(), "state fetched for the gap is kept as outliers");
    assertTrue(f.status(daveJoin.eventId()).outlier());
    // The ten events get_missing_events returned are in the timeline; the one whose prev was missing as well.
    for (Pdu message : messages.subList(messages.size() - MissingEvents.LIMIT, messages.size())) {
      assertTrue(f.status(message.eventId()).visibleToClients(), message.eventId());
    }
    // Our old head (Alice's join) stays a forward extremity: its child in the gap is only an outlier here. The
    // current state is the resolution over both, which is the sender's state.
    assertTrue(f.store.forwardExtremities(f.roomId()).contains(last.eventId()));
    assertEquals(f.resolvedStateAtExtremities(), f.store.currentState(f.roomId()));
  }

  @Test
  void senderWhoNeverJoined_isRejected_storedButNeverShown() {
    Map<StateKey, String> stateBefore = f.store.currentState(f.roomId());
    Set<String> extremitiesBefore = f.store.forwardExtremities(f.roomId());
    Pdu intrusion = f.remote.message(MALLORY, "let me in");

    JsonNode results = f.send("t1", intrusion);

    assertTrue(results.get(intrusion.eventId()).get("error").textValue().contains("rejected"));
    EventStatus status = f.status(intrusion.eventId());
    assertTrue(status.rejected());
    assertFalse(status.outlier());
    assertEquals(List.of(), f.heard);
    assertEquals(stateBefore, f.store.currentState(f.roomId()));
    assertEquals(extremitiesBefore, f.store.forwardExtremities(f.roomId()));
  }

  @Test
  void stateEventBelowRequiredPower_isRejected_andChangesNoState() {
    Pdu join = f.remote.join(DAVE);
    f.send("t1", join);
    Pdu topic = f.remote.topic(DAVE, "dave may not");

    JsonNode results = f.send("t2", topic);

    assertTrue(results.get(topic.eventId()).get("error").textValue().contains("power level"));
    assertTrue(f.status(topic.eventId()).rejected());
    assertFalse(f.store.currentState(f.roomId()).containsKey(StateKey.of("m.room.topic", "")));
    // A later event citing the rejected one is still taken, on the state without it (spec: "Rejection").
    Pdu after = f.remote.message(BOB, "after");
    assertEquals(0, f.send("t3", after).get(after.eventId()).size());
    assertTrue(f.status(after.eventId()).visibleToClients());
    assertFalse(f.store.currentState(f.roomId()).containsKey(StateKey.of("m.room.topic", "")));
  }

  @Test
  void bannedSender_citingTheDagFromBeforeTheBan_isSoftFailed() {
    Pdu join = f.remote.join(MALLORY);
    f.send("t1", join);
    Pdu ban = f.remote.ban(CAROL, MALLORY);
    f.send("t2", ban);
    Pdu evasion = f.remote.event(MALLORY, "m.room.message").prev(join.eventId())
        .content(JsonMapper.shared().createObjectNode().put("body", "still here")).build();
    f.heard.clear();

    JsonNode results = f.send("t3", evasion);

    assertEquals(0, results.get(evasion.eventId()).size(), "soft failure is not an error to the sender");
    EventStatus status = f.status(evasion.eventId());
    assertTrue(status.softFailed());
    assertFalse(status.visibleToClients());
    assertEquals(Set.of(ban.eventId()), f.store.forwardExtremities(f.roomId()), "never a forward extremity");
    assertEquals(List.of(), f.heard);
    assertEquals(f.remote.stateAfter(ban.eventId()), f.store.currentState(f.roomId()));
  }

  @Test
  void fork_currentStateIsTheResolutionOfTheExtremities_andAMergeResolvesIt() {
    Pdu base = f.remote.message(BOB, "base");
    f.send("t1", base);
    Pdu one = f.remote.event(BOB, "m.room.topic").stateKey("").prev(base.eventId())
        .content(JsonMapper.shared().createObjectNode().put("topic", "one")).build();
    Pdu two = f.remote.event(CAROL, "m.room.topic").stateKey("").prev(base.eventId())
        .content(JsonMapper.shared().createObjectNode().put("topic", "two")).build();

    f.send("t2", one);
    f.send("t3", two);

    assertEquals(Set.of(one.eventId(), two.eventId()), f.store.forwardExtremities(f.roomId()));
    Map<StateKey, String> expected = StateResolver.resolve(RoomVersion.V10,
        List.of(f.remote.stateAfter(one.eventId()), f.remote.stateAfter(two.eventId())),
        EventSource.of(f.remote.events()));
    assertEquals(expected, f.store.currentState(f.roomId()));
    assertEquals(f.resolvedStateAtExtremities(), f.store.currentState(f.roomId()));

    Pdu merge = f.remote.message(BOB, "merge"); // prev events: both topics
    assertEquals(2, merge.prevEventIds().size());
    f.send("t4", merge);

    assertEquals(Set.of(merge.eventId()), f.store.forwardExtremities(f.roomId()));
    assertEquals(expected, f.store.stateBefore(merge.eventId()).orElseThrow());
    assertEquals(expected, f.store.currentState(f.roomId()));
  }

  @Test
  void unknownAuthEvent_isFetchedWithEventAuth_keptAsOutlier_andTheEventJudgedOnItsState() {
    Pdu head = f.remote.message(BOB, "head");
    f.send("t1", head);
    // Dave joins on a branch this server never hears of, then writes on the main branch citing that join.
    Pdu hiddenJoin = f.remote.event(DAVE, "m.room.member").stateKey(DAVE).prev(head.eventId())
        .content(JsonMapper.shared().createObjectNode().put("membership", "join")).build();
    Map<StateKey, String> state = f.remote.stateAfter(head.eventId());
    Pdu sneaky = f.remote.event(DAVE, "m.room.message").prev(head.eventId())
        .auth(state.get(StateKey.of("m.room.create", "")), state.get(StateKey.of("m.room.power_levels", "")),
            hiddenJoin.eventId())
        .content(JsonMapper.shared().createObjectNode().put("body", "hi")).build();

    JsonNode results = f.send("t2", sneaky);

    assertEquals(1, f.remote.requestCount(EVENT_AUTH));
    EventStatus join = f.status(hiddenJoin.eventId());
    assertTrue(join.outlier());
    assertFalse(join.rejected(), "the join itself is valid against its own auth events");
    assertTrue(f.status(sneaky.eventId()).rejected(), "but Dave is not joined in the state before the message");
    assertTrue(results.get(sneaky.eventId()).get("error").textValue().contains("state before"));
  }

  @Test
  void originOffline_whenAPrevEventIsMissing_dropsTheEvent_soARetryCanSucceed() {
    Pdu first = f.remote.message(BOB, "one");
    Pdu second = f.remote.message(BOB, "two");
    f.remote.unreachable(true);

    JsonNode results = f.send("t1", second);

    assertTrue(results.get(second.eventId()).get("error").textValue().contains("Could not fetch"));
    assertTrue(f.store.event(second.eventId()).isEmpty());

    f.remote.unreachable(false);
    assertEquals(0, f.send("t2", second).get(second.eventId()).size());
    assertTrue(f.status(first.eventId()).visibleToClients());
    assertTrue(f.status(second.eventId()).visibleToClients());
  }
}
