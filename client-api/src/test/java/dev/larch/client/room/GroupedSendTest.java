package dev.larch.client.room;

import static dev.larch.client.room.TestRooms.json;
import static dev.larch.client.room.TestRooms.text;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.event.ContentHash;
import dev.larch.core.event.EventIds;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.Redactor;
import dev.larch.core.event.StateKey;
import dev.larch.core.room.EventDraft;
import dev.larch.core.room.EventSender;
import dev.larch.core.room.RoomLocks;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.NewRoom;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.room.TxnKey;
import dev.larch.storage.room.CachingRoomStore;
import dev.larch.storage.room.JdbcRoomStore;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Concurrent sends into one room, which {@code EventSender} groups into one transaction each, and the caches the
 * send path reads (forward extremities, state after an event, the event itself): the DAG stays a single chain, state
 * changes are seen by the very next send's auth check, repeated transaction IDs still answer with their first event,
 * and everything survives a restart.
 */
class GroupedSendTest extends RoomServicesTest {
  private static final int SENDERS = 16;
  private static final int PER_SENDER = 20;

  private String alice;
  private String bob;
  private String roomId;

  @BeforeEach
  void createRoom() {
    alice = t.user("alice");
    bob = t.user("bob");
    roomId = t.rooms.createRoom(alice,
        new NewRoom("public_chat", null, null, null, null, List.of(), false, null, null, List.of(), null));
    t.memberships.join(bob, roomId, null);
  }

  @Test
  void concurrentSends_formOneChain_withDistinctPrevEvents() throws Exception {
    Set<String> sent = ConcurrentSends.run(SENDERS, PER_SENDER, (s, i) ->
        t.rooms.send(s % 2 == 0 ? alice : bob, "D" + s, roomId, "m.room.message", "txn" + i, text(s + "/" + i)));

    assertEquals(SENDERS * PER_SENDER, sent.size());
    // Walk back from the only extremity: every event has exactly one prev event and no two share one.
    Set<String> extremities = t.store.forwardExtremities(roomId);
    assertEquals(1, extremities.size());
    Set<String> seenPrevs = new HashSet<>();
    Set<String> chain = new HashSet<>();
    String at = extremities.iterator().next();
    long depth = Long.MAX_VALUE;
    while (true) {
      Pdu event = t.event(at).orElseThrow().pdu();
      assertTrue(event.depth() < depth, "depth decreases along the chain");
      assertStoredAsSignedAndHashed(event);
      depth = event.depth();
      chain.add(at);
      if (event.prevEventIds().isEmpty()) {
        break;
      }
      assertEquals(1, event.prevEventIds().size(), "one prev event");
      assertTrue(seenPrevs.add(event.prevEventIds().get(0)), "no two events share a prev event");
      at = event.prevEventIds().get(0);
    }
    assertTrue(chain.containsAll(sent), "every sent event is on the one chain");
    // The cached head equals what a store without caches reads from the database.
    assertEquals(extremities, freshStore().forwardExtremities(roomId));
  }

  // A batch signs its events on other threads (TestRooms gives the sender a pool): each stored event must carry
  // this server's valid signature, its content hash and the ID its reference hash gives.
  private void assertStoredAsSignedAndHashed(Pdu event) {
    ObjectNode json = event.json();
    assertEquals(ContentHash.Verdict.OK, ContentHash.check(json, event.roomVersion()), event.eventId());
    assertEquals(event.eventId(), EventIds.eventId(json, event.roomVersion()));
    VerifyKey key = t.signer.verifyKey();
    assertTrue(Signatures.verify(Redactor.redact(json, event.roomVersion()), TestRooms.SERVER, key.keyId(),
        key.publicKey()), "signed: " + event.eventId());
  }

  @Test
  void asyncSends_fromOneThread_allCommit_inOrderOfSubmission() throws Exception {
    List<CompletableFuture<String>> futures = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      futures.add(t.rooms.sendAsync(alice, "A", roomId, "m.room.message", "async" + i, text("m" + i)));
    }
    List<String> ids = new ArrayList<>();
    for (var future : futures) {
      ids.add(future.get(30, TimeUnit.SECONDS));
    }
    // One chain in submission order: each event's prev is the one submitted before it.
    for (int i = 1; i < ids.size(); i++) {
      assertEquals(List.of(ids.get(i - 1)), t.event(ids.get(i)).orElseThrow().pdu().prevEventIds());
    }
    assertEquals(Set.of(ids.get(ids.size() - 1)), t.store.forwardExtremities(roomId));
    // A repeated transaction ID answers with its first event, through the future too.
    assertEquals(ids.get(7), t.rooms.sendAsync(alice, "A", roomId, "m.room.message", "async7", text("again"))
        .get(30, TimeUnit.SECONDS));
  }

  @Test
  void sendsQueuedWhileAServiceHoldsTheRoomsLock_goOutWhenItLetsGo() throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    ExecutorService holder = Executors.newSingleThreadExecutor();
    try {
      Future<?> held = holder.submit(() -> t.sender.locks().withLock(roomId, () -> {
        holding.countDown();
        await(letGo);
        return null;
      }));
      assertTrue(holding.await(10, TimeUnit.SECONDS));
      var queued = t.rooms.sendAsync(bob, "B", roomId, "m.room.message", "queued", text("waits"));
      // The submitter did not wait for the lock; nothing is sent while the holder has it.
      Thread.sleep(50);
      assertFalse(queued.isDone(), "sent while the room's lock was held elsewhere");
      letGo.countDown();
      held.get(10, TimeUnit.SECONDS);
      String eventId = queued.get(10, TimeUnit.SECONDS);
      assertEquals(Set.of(eventId), t.store.forwardExtremities(roomId));
    } finally {
      letGo.countDown();
      holder.shutdownNow();
    }
  }

  @Test
  void asyncSend_refused_failsItsFutureWithTheMatrixError() {
    setMessageLevel(50);
    var refused = t.rooms.sendAsync(bob, "B", roomId, "m.room.message", "refused", text("no"));
    ExecutionException e = assertThrows(ExecutionException.class, () -> refused.get(10, TimeUnit.SECONDS));
    assertEquals(ErrorCode.FORBIDDEN, ((MatrixException) e.getCause()).errorCode());
  }

  private static void await(CountDownLatch latch) {
    try {
      assertTrue(latch.await(10, TimeUnit.SECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Test
  void concurrentSends_repeatedTxnIds_answerWithTheFirstEvent() throws Exception {
    // Every sender sends the same ten transaction IDs from the same device, twice over: 10 events in all.
    Map<String, Set<String>> idsByTxn = new HashMap<>();
    ConcurrentSends.run(SENDERS, 10, (s, i) -> {
      String eventId = t.rooms.send(alice, "ONE", roomId, "m.room.message", "txn" + i, text("x" + i));
      synchronized (idsByTxn) {
        idsByTxn.computeIfAbsent("txn" + i, k -> new HashSet<>()).add(eventId);
      }
      return eventId;
    });
    for (Set<String> ids : idsByTxn.values()) {
      assertEquals(1, ids.size(), "one event per transaction ID");
    }
    assertEquals(1, t.store.forwardExtremities(roomId).size());
  }

  @Test
  void stateChange_isSeenByTheNextSendsAuthCheck() {
    t.rooms.send(bob, "B", roomId, "m.room.message", "before", text("allowed"));
    // Alice raises the level needed for messages above Bob's.
    setMessageLevel(50);

    MatrixException refused = assertThrows(MatrixException.class,
        () -> t.rooms.send(bob, "B", roomId, "m.room.message", "after", text("refused")));
    assertEquals(ErrorCode.FORBIDDEN, refused.errorCode());

    // And back: the lowered level is seen at once too.
    setMessageLevel(0);
    t.rooms.send(bob, "B", roomId, "m.room.message", "again", text("allowed again"));
  }

  @Test
  void refusedEventInABatch_failsOnlyItself() throws Exception {
    String carol = t.user("carol"); // never joins: every send of hers is refused
    List<Throwable> errors = new ArrayList<>();
    Set<String> sent = ConcurrentSends.run(8, 10, (s, i) -> {
      String user = s == 0 ? carol : (s % 2 == 0 ? alice : bob);
      try {
        return t.rooms.send(user, "D" + s, roomId, "m.room.message", "t" + i, text("m"));
      } catch (MatrixException e) {
        synchronized (errors) {
          errors.add(e);
        }
        return null;
      }
    });
    assertEquals(10, errors.size());
    assertEquals(70, sent.size());
    assertEquals(1, t.store.forwardExtremities(roomId).size());
  }

  @Test
  void sendsFromManyThreads_surviveRestart_withStateAndTxnIds() throws Exception {
    Set<String> sent = ConcurrentSends.run(8, 10, (s, i) ->
        t.rooms.send(bob, "D" + s, roomId, "m.room.message", "t" + i, text("m")));
    Map<StateKey, String> state = t.currentState(roomId);

    // A restart: stores with empty caches over the same database.
    RoomStore fresh = freshStore();
    for (String eventId : sent) {
      StoredEvent stored = fresh.event(eventId).orElseThrow();
      assertEquals(state, fresh.stateAfter(eventId).orElseThrow(), "a message leaves the state as it was");
      assertTrue(stored.streamPosition() > 0);
    }
    assertEquals(state, fresh.currentState(roomId));
    assertEquals(t.store.forwardExtremities(roomId), fresh.forwardExtremities(roomId));
    // A repeated txn ID after the restart still answers with the first event, and nothing is added.
    EventSender restarted = new EventSender(fresh, t.sender.builder(), new RoomLocks(), List.of());
    EventSender.Sent again = restarted.send(roomId, bob, EventDraft.message("m.room.message", text("again")),
        Optional.of(new TxnKey(bob, "D3", "t4")));
    assertTrue(again.alreadySent());
    assertTrue(sent.contains(again.eventId()));
    // And a new send after the restart extends the chain the caches knew.
    String head = fresh.forwardExtremities(roomId).iterator().next();
    Pdu next = restarted.send(roomId, bob, EventDraft.message("m.room.message", text("next")), Optional.empty())
        .event();
    assertEquals(List.of(head), next.prevEventIds());
  }

  private RoomStore freshStore() {
    return new CachingRoomStore(new JdbcRoomStore(t.database), 100);
  }

  // Room v10 (the default): the creator must stay in "users" to keep the power to change power levels again.
  private void setMessageLevel(int level) {
    t.rooms.setState(alice, roomId, "m.room.power_levels", "",
        json("{\"users\":{\"" + alice + "\":100},\"events\":{\"m.room.message\":" + level + "}}"));
  }

  /** Runs {@code senders} threads that each call {@code send} {@code each} times; the non-null results. */
  static final class ConcurrentSends {
    interface Send {
      String send(int sender, int index) throws Exception;
    }

    static Set<String> run(int senders, int each, Send send) throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(senders);
      CountDownLatch start = new CountDownLatch(1);
      try {
        List<Future<List<String>>> futures = new ArrayList<>();
        for (int s = 0; s < senders; s++) {
          int sender = s;
          futures.add(pool.submit(() -> {
            start.await();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < each; i++) {
              String id = send.send(sender, i);
              if (id != null) {
                ids.add(id);
              }
            }
            return ids;
          }));
        }
        start.countDown();
        Set<String> all = new HashSet<>();
        for (Future<List<String>> future : futures) {
          all.addAll(future.get(60, TimeUnit.SECONDS));
        }
        return all;
      } finally {
        pool.shutdownNow();
      }
    }
  }
}
