package dev.larch.core.federation.send;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.json.JsonMapper;
import dev.larch.storage.contract.TestDatabase;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The federation sender over the real stores, with a fake remote side and time driven by hand: who gets which
 * event, batching, backoff and retries, restarts, wake-ups and EDUs in transactions.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class FederationSenderTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String B = "b.example";
  private static final String C = "c.example";
  private static final String BOB = "@bob:" + B;
  private static final String CAROL = "@carol:" + C;

  private final TestDatabase kind;
  @TempDir Path tempDir;
  private SendFixture f;

  FederationSenderTest(TestDatabase kind) {
    this.kind = kind;
  }

  @AfterEach
  void close() {
    if (f != null) {
      f.close();
    }
  }

  /** A room of alice's that bob (b.example) and carol (c.example) joined. */
  private String sharedRoom() {
    String roomId = f.createRoom(ALICE);
    f.remoteJoin(roomId, BOB);
    f.remoteJoin(roomId, CAROL);
    f.scheduler.runDue();
    return roomId;
  }

  private List<String> deliveredBodies(String destination) {
    List<String> out = new ArrayList<>();
    f.client.deliveredTo(destination).forEach(s -> out.addAll(s.bodies()));
    return out;
  }

  @Test
  void whileBusy_eventsWakeNobody_andLeaveAtTheNextPoll_whichStopsOnceIdle() {
    f = new SendFixture(kind, tempDir, SendSettings.defaults()); // a poll every 10 ms while busy
    String roomId = sharedRoom();
    settle();

    f.send(ALICE, roomId, "one");
    f.scheduler.runDue();
    assertEquals(List.of("one"), deliveredBodies(B), "an idle sender is woken by the event");
    assertEquals(10, f.scheduler.nextDelay().orElseThrow(), "busy: the next step comes by itself");

    f.send(ALICE, roomId, "two");
    f.send(ALICE, roomId, "three");
    f.scheduler.runDue();
    assertEquals(List.of("one"), deliveredBodies(B), "events of a busy room wait for the poll");
    f.scheduler.advance(10);
    assertEquals(List.of("one", "two", "three"), deliveredBodies(B));

    settle();
    f.send(ALICE, roomId, "four");
    f.scheduler.runDue();
    assertEquals(List.of("one", "two", "three", "four"), deliveredBodies(B), "idle again: woken at once");
  }

  // Runs the sender's polls until one finds nothing new and it stops polling.
  private void settle() {
    for (int i = 0; i < 10 && f.scheduler.nextDelay().isPresent(); i++) {
      f.scheduler.advance(f.scheduler.nextDelay().getAsLong());
    }
    assertTrue(f.scheduler.nextDelay().isEmpty(), "an idle sender schedules nothing");
  }

  @Test
  void localEvents_goToEveryOtherJoinedServer_inOrder_andRemoteEventsAreNotEchoed() {
    f = new SendFixture(kind, tempDir);
    String roomId = sharedRoom();
    assertTrue(f.client.sent().isEmpty(), "remote joins are not sent back; creation happened before they joined");

    f.send(ALICE, roomId, "one");
    f.send(ALICE, roomId, "two");
    f.send(ALICE, roomId, "three");
    f.scheduler.runDue();

    assertEquals(List.of("one", "two", "three"), deliveredBodies(B));
    assertEquals(List.of("one", "two", "three"), deliveredBodies(C));
    assertTrue(f.client.sentTo(SendFixture.SERVER).isEmpty(), "never to ourselves");
    FakeFederationClient.Sent txn = f.client.deliveredTo(B).get(0);
    assertEquals("PUT", txn.method());
    assertEquals(SendFixture.SERVER, txn.body().get("origin").asText());
    assertTrue(txn.body().get("origin_server_ts").isIntegralNumber());
    assertEquals(ALICE, txn.body().get("pdus").get(0).get("sender").asText());
    assertTrue(txn.body().get("pdus").get(0).has("signatures"), "PDUs go as stored, signed");
    assertTrue(f.queue.destinations().isEmpty(), "delivered rows are deleted");
    assertTrue(f.sender.activeDestinations().isEmpty(), "idle destinations are dropped");
  }

  @Test
  void aBacklogOf120Pdus_goesAsThreeTransactionsOf50_50_20_inOrder() {
    f = new SendFixture(kind, tempDir);
    String roomId = f.createRoom(ALICE);
    f.remoteJoin(roomId, BOB);
    f.scheduler.runDue();
    // All 120 are committed before the sender's queueing step runs, so they form one backlog.
    f.send(ALICE, roomId, "first");
    for (int i = 1; i < 120; i++) {
      f.send(ALICE, roomId, "m" + i);
    }
    assertTrue(f.client.sent().isEmpty());
    f.scheduler.runDue();

    List<FakeFederationClient.Sent> delivered = f.client.deliveredTo(B);
    assertEquals(List.of(50, 50, 20), delivered.stream().map(FakeFederationClient.Sent::pdus).toList());
    List<String> expected = new ArrayList<>(List.of("first"));
    IntStream.range(1, 120).forEach(i -> expected.add("m" + i));
    assertEquals(expected, deliveredBodies(B));
    assertEquals(3, delivered.stream().map(FakeFederationClient.Sent::txnId).distinct().count());
  }

  @Test
  void retryableFailures_backOffWithJitter_thenRetryTheSameTransaction() {
    f = new SendFixture(kind, tempDir);
    String roomId = f.createRoom(ALICE);
    f.remoteJoin(roomId, BOB);
    f.scheduler.runDue();
    f.client.failNext(B, 2, RemoteServerException.httpError(B, 503, null, "Service Unavailable"));

    f.send(ALICE, roomId, "hello");
    f.scheduler.runDue();
    assertEquals(1, f.client.sentTo(B).size());
    long firstWait = f.scheduler.nextDelay().orElseThrow();
    assertTrue(firstWait >= 4_000 && firstWait <= 7_000, "5 s ×0.8–1.4, was " + firstWait);

    f.scheduler.advance(firstWait - 1);
    assertEquals(1, f.client.sentTo(B).size(), "nothing before the backoff ends");
    f.scheduler.advance(1);
    assertEquals(2, f.client.sentTo(B).size());
    long secondWait = f.scheduler.nextDelay().orElseThrow();
    assertTrue(secondWait >= 8_000 && secondWait <= 14_000, "doubled, was " + secondWait);

    f.scheduler.advance(secondWait);
    List<FakeFederationClient.Sent> attempts = f.client.sentTo(B);
    assertEquals(List.of(false, false, true), attempts.stream().map(FakeFederationClient.Sent::ok).toList());
    assertEquals(1, attempts.stream().map(FakeFederationClient.Sent::txnId).distinct().count(),
        "a retry resends the same transaction ID");
    assertEquals(attempts.get(0).body(), attempts.get(2).body(), "and the same body");
    assertTrue(f.queue.head(B, 10).isEmpty());
    assertTrue(f.scheduler.nextDelay().isEmpty(), "nothing left to do");
  }

  @Test
  void theBackoffIsCappedAtTheConfiguredMaximum() {
    f = new SendFixture(kind, tempDir, SendSettings.defaults().withBusyPoll(0).withBackoff(5_000, 20_000));
    String roomId = f.createRoom(ALICE);
    f.remoteJoin(roomId, BOB);
    f.scheduler.runDue();
    f.client.takeDown(B);
    f.send(ALICE, roomId, "x");
    f.scheduler.runDue();
    for (int i = 0; i < 6; i++) {
      long wait = f.scheduler.nextDelay().orElseThrow();
      assertTrue(wait <= 20_000, "capped, was " + wait);
      f.scheduler.advance(wait);
    }
    assertEquals(7, f.client.sentTo(B).size());
  }

  @Test
  void wake_retriesABackingOffDestinationAtOnce() {
    f = new SendFixture(kind, tempDir);
    String roomId = f.createRoom(ALICE);
    f.remoteJoin(roomId, BOB);
    f.scheduler.runDue();
    f.client.takeDown(B);
    f.send(ALICE, roomId, "while down");
    f.scheduler.runDue();
    assertTrue(f.scheduler.nextDelay().orElseThrow() >= 4_000);

    // Something new does not cut the wait short; a sign of life from B does.
    f.send(ALICE, roomId, "still down");
    f.scheduler.runDue();
    assertEquals(1, f.client.sentTo(B).size());
    f.client.recover(B);
    f.sender.wake(B);
    f.scheduler.runDue();
    // The transaction in flight goes again as it was, then the next one.
    assertEquals(List.of("while down", "still down"), deliveredBodies(B));
    assertEquals(2, f.client.deliveredTo(B).size());
    // Waking an idle destination costs nothing and sends nothing.
    int sent = f.client.sent().size();
    f.sender.wake(B);
    f.sender.wake("unknown.example");
    f.scheduler.runDue();
    assertEquals(sent, f.client.sent().size());
    assertTrue(f.sender.activeDestinations().isEmpty());
  }

  @Test
  void aNonRetryableRefusal_dropsThatTransaction_andTheQueueMovesOn() {
    f = new SendFixture(kind, tempDir);
    String roomId = f.createRoom(ALICE);
    f.remoteJoin(roomId, BOB);
    f.scheduler.runDue();
    f.client.failNext(B, 1, RemoteServerException.httpError(B, 403, "M_FORBIDDEN", "Forbidden"));
    f.send(ALICE, roomId, "refused");
    f.scheduler.runDue();
    assertEquals(1, f.client.sentTo(B).size());
    assertTrue(f.queue.head(B, 10).isEmpty(), "dropped, not retried");
    assertTrue(f.scheduler.nextDelay().isEmpty());

    f.send(ALICE, roomId, "accepted");
    f.scheduler.runDue();
    assertEquals(List.of("accepted"), deliveredBodies(B));
  }

  @Test
  void perPduErrorsInA200_areNotRetried() {
    f = new SendFixture(kind, tempDir);
    String roomId = f.createRoom(ALICE);
    f.remoteJoin(roomId, BOB);
    f.scheduler.runDue();
    f.client.answerWith(body -> {
      ObjectNode answer = JsonMapper.shared().createObjectNode();
      answer.putObject("pdus").putObject("$whatever").put("error", "bad event");
      return answer;
    });
    f.send(ALICE, roomId, "judged");
    f.scheduler.runDue();
    assertEquals(1, f.client.sentTo(B).size());
    assertTrue(f.queue.destinations().isEmpty());
    assertTrue(f.scheduler.nextDelay().isEmpty());
  }

  @Test
  void queuedItems_surviveARestart_andGoOutAfterIt() {
    f = new SendFixture(kind, tempDir);
    String roomId = f.createRoom(ALICE);
    f.remoteJoin(roomId, BOB);
    f.scheduler.runDue();
    f.client.takeDown(B);
    f.send(ALICE, roomId, "a");
    f.send(ALICE, roomId, "b");
    f.sender.sendDurable(List.of(B), "m.direct_to_device",
        JsonMapper.shared().createObjectNode().put("message_id", "m1"));
    f.scheduler.runDue();
    assertEquals(3, f.queue.head(B, 10).size());

    f.client.recover(B);
    f.restart();
    f.scheduler.runDue();
    assertEquals(List.of("a", "b"), deliveredBodies(B));
    List<JsonNode> edus = f.client.deliveredTo(B).get(0).edus();
    assertEquals(1, edus.size());
    assertEquals("m.direct_to_device", edus.get(0).get("edu_type").asText());
    assertEquals("m1", edus.get(0).get("content").get("message_id").asText());
    assertTrue(f.queue.destinations().isEmpty());
  }

  @Test
  void eventsCommittedButNotYetQueued_whenTheServerStops_areQueuedOnTheNextStart() {
    f = new SendFixture(kind, tempDir);
    String roomId = f.createRoom(ALICE);
    f.remoteJoin(roomId, BOB);
    f.scheduler.runDue();
    // The sender hears of these but its queueing step never runs: as if the process died right after the commits.
    f.send(ALICE, roomId, "lost?");
    f.send(ALICE, roomId, "not lost");
    assertTrue(f.queue.destinations().isEmpty());

    f.restart();
    f.scheduler.runDue();
    assertEquals(List.of("lost?", "not lost"), deliveredBodies(B));
  }

  @Test
  void transactionIds_areUniqueAcrossARestart() {
    f = new SendFixture(kind, tempDir);
    String roomId = f.createRoom(ALICE);
    f.remoteJoin(roomId, BOB);
    f.scheduler.runDue();
    f.send(ALICE, roomId, "before");
    f.scheduler.runDue();
    f.restart();
    f.send(ALICE, roomId, "after");
    f.scheduler.runDue();
    List<FakeFederationClient.Sent> delivered = f.client.deliveredTo(B);
    assertEquals(2, delivered.size());
    assertNotEquals(delivered.get(0).txnId(), delivered.get(1).txnId());
  }

  @Test
  void aKickOfARemoteUser_alsoGoesToTheirServer() {
    f = new SendFixture(kind, tempDir);
    String roomId = sharedRoom();
    f.membership.kick(ALICE, roomId, BOB, "bye");
    f.scheduler.runDue();
    assertEquals(List.of("m.room.member"), deliveredBodies(B), "b.example hears of its user's kick");
    assertEquals(List.of("m.room.member"), deliveredBodies(C));
    f.send(ALICE, roomId, "after the kick");
    f.scheduler.runDue();
    assertEquals(List.of("m.room.member"), deliveredBodies(B), "but nothing after it");
    assertEquals(List.of("m.room.member", "after the kick"), deliveredBodies(C));
  }

  @Test
  void aRoomWithoutOtherServers_sendsToAServerThatJoinsLater_andStopsWhenItLeaves() {
    // The sender remembers between steps that a room has no other server; a remote membership must undo that.
    f = new SendFixture(kind, tempDir);
    String roomId = f.createRoom(ALICE);
    f.send(ALICE, roomId, "alone");
    f.scheduler.runDue();
    assertTrue(f.client.sent().isEmpty(), "nobody else to send to");

    f.remoteJoin(roomId, BOB);
    f.scheduler.runDue();
    f.send(ALICE, roomId, "together");
    f.scheduler.runDue();
    assertEquals(List.of("together"), deliveredBodies(B));

    f.remoteMembership(roomId, BOB, "leave");
    f.scheduler.runDue();
    f.send(ALICE, roomId, "alone again");
    f.scheduler.runDue();
    assertEquals(List.of("together"), deliveredBodies(B), "nothing after b.example's user left");
  }

  @Test
  void ephemeralEdus_keepOnlyTheNewestPerKey_andRideWithTheNextTransaction() {
    f = new SendFixture(kind, tempDir);
    String roomId = f.createRoom(ALICE);
    f.remoteJoin(roomId, BOB);
    f.scheduler.runDue();
    f.client.takeDown(B);
    f.sender.sendEphemeral(Set.of(B), "k", "m.typing", JsonMapper.shared().createObjectNode().put("typing", true));
    f.scheduler.runDue();
    f.sender.sendEphemeral(Set.of(B), "k", "m.typing", JsonMapper.shared().createObjectNode().put("typing", false));
    f.sender.sendEphemeral(Set.of(B, SendFixture.SERVER), "other", "m.presence",
        JsonMapper.shared().createObjectNode());
    f.client.recover(B);
    f.sender.wake(B);
    f.scheduler.runDue();
    List<FakeFederationClient.Sent> delivered = f.client.deliveredTo(B);
    // The first (failed) transaction carried typing=true and is resent as it was; then the newer ones.
    List<String> sent = new ArrayList<>();
    delivered.forEach(s -> s.edus().forEach(e -> sent.add(e.get("edu_type").asText() + " "
        + e.get("content").path("typing").asText("-"))));
    assertEquals(List.of("m.typing true", "m.typing false", "m.presence -"), sent);
    assertTrue(f.client.sentTo(SendFixture.SERVER).isEmpty());
  }

  @Test
  void sendOnBehalfOf_queuesForEveryJoinedServerButTheOrigin() {
    f = new SendFixture(kind, tempDir);
    String roomId = sharedRoom();
    String joinOfBob = f.remoteMembership(roomId, BOB, "join");
    f.scheduler.runDue();
    f.sender.sendOnBehalfOf(roomId, joinOfBob, B);
    f.scheduler.runDue();
    assertTrue(f.client.sentTo(B).isEmpty());
    assertEquals(List.of("m.room.member"), deliveredBodies(C));
  }

  @Test
  void aClientThatThrowsOurOwnBug_isRetriedLikeANetworkFailure() {
    f = new SendFixture(kind, tempDir);
    String roomId = f.createRoom(ALICE);
    f.remoteJoin(roomId, BOB);
    f.scheduler.runDue();
    f.client.failNext(B, 1, new IllegalStateException("bug"));
    f.send(ALICE, roomId, "kept");
    f.scheduler.runDue();
    assertFalse(f.queue.head(B, 10).isEmpty());
    f.scheduler.advance(f.scheduler.nextDelay().orElseThrow());
    assertEquals(List.of("kept"), deliveredBodies(B));
  }

  @Test
  void onRealThreads_concurrentSendsIntoTwoRooms_eachArriveOnce_inRoomOrder() throws Exception {
    try (ExecutorSendScheduler threads = new ExecutorSendScheduler(4)) {
      f = new SendFixture(kind, tempDir, SendSettings.defaults().withBusyPoll(0).withBackoff(20, 100), threads);
      String room1 = f.createRoom(ALICE);
      String room2 = f.createRoom(ALICE);
      f.remoteJoin(room1, BOB);
      f.remoteJoin(room2, BOB);
      f.client.failNext(B, 3, RemoteServerException.timeout(B, "slow"));
      List<Thread> senders = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        String roomId = t % 2 == 0 ? room1 : room2;
        String prefix = (t % 2 == 0 ? "r1-" : "r2-") + t + "-";
        Thread thread = new Thread(() -> IntStream.range(0, 25).forEach(i -> f.send(ALICE, roomId, prefix + i)));
        senders.add(thread);
        thread.start();
      }
      for (Thread thread : senders) {
        thread.join(60_000);
      }
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      while (deliveredBodies(B).stream().filter(b -> b.startsWith("r")).count() < 100
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      List<String> bodies = deliveredBodies(B).stream().filter(b -> b.startsWith("r")).toList();
      assertEquals(100, bodies.size(), "each message once");
      assertEquals(100, Set.copyOf(bodies).size());
      for (int t = 0; t < 4; t++) {
        String prefix = (t % 2 == 0 ? "r1-" : "r2-") + t + "-";
        List<Integer> order = bodies.stream().filter(b -> b.startsWith(prefix))
            .map(b -> Integer.parseInt(b.substring(prefix.length()))).toList();
        assertEquals(IntStream.range(0, 25).boxed().toList(), order, "one sender's messages keep their order");
      }
      assertTrue(f.client.sentTo(B).stream().anyMatch(s -> !s.ok()), "the failures happened");
    }
  }
}
