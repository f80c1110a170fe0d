package dev.larch.core.sync;

import static dev.larch.core.sync.SyncFixture.ALICE;
import static dev.larch.core.sync.SyncFixture.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.filter.Filter;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.sync.SyncResult.JoinedRoom;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Long-polls: a pending {@code /sync} is completed by the notifier as soon as something it may return happens, and
 * returns an empty response with a fresh token at its timeout. Bounds are generous; nothing sleeps.
 */
class LongPollTest {
  private static final long LONG_TIMEOUT_MS = 30_000;

  private final SyncFixture fx = new SyncFixture();

  @AfterEach
  void close() throws Exception {
    fx.close();
  }

  private CompletableFuture<SyncResult> poll(String userId, SyncToken since, long timeoutMs) {
    return fx.sync.sync(new SyncRequest(userId, "DEVICE", since, Filter.DEFAULT, false, timeoutMs, null))
        .toCompletableFuture();
  }

  private void awaitWaiting() {
    // The long-poll registers on the calling thread before sync() returns, so it is already waiting here.
    assertEquals(1, fx.notifier.waiting());
  }

  @Test
  void pendingSync_isWokenByAnotherUsersMessage_wellBeforeTheTimeout() throws Exception {
    String room = fx.roomWith(ALICE, BOB);
    SyncToken token = fx.initial(BOB).nextBatch();
    long start = System.nanoTime();
    CompletableFuture<SyncResult> pending = poll(BOB, token, LONG_TIMEOUT_MS);
    awaitWaiting();
    assertFalse(pending.isDone());

    fx.send(ALICE, room, "wake up");
    SyncResult result = pending.get(10, TimeUnit.SECONDS);
    long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    assertTrue(elapsedMs < LONG_TIMEOUT_MS / 3, "took " + elapsedMs + " ms");
    JoinedRoom joined = result.join().get(room);
    assertEquals("wake up", joined.timeline().events().get(0).pdu().content().get("body").asText());
    assertEquals(0, fx.notifier.waiting());
  }

  @Test
  void pendingSync_timesOut_withAnEmptyResponseAndAToken() throws Exception {
    fx.roomWith(ALICE);
    SyncToken token = fx.initial(ALICE).nextBatch();
    SyncResult result = poll(ALICE, token, 200).get(10, TimeUnit.SECONDS);
    assertTrue(result.isEmpty());
    assertEquals(token, result.nextBatch());
    assertEquals(0, fx.notifier.waiting());
  }

  @Test
  void pendingSync_ignoresOtherRooms_butWakesForTypingAndAccountData() throws Exception {
    String room = fx.roomWith(ALICE, BOB);
    String elsewhere = fx.roomWith(ALICE);
    SyncToken token = fx.initial(BOB).nextBatch();

    CompletableFuture<SyncResult> pending = poll(BOB, token, LONG_TIMEOUT_MS);
    fx.send(ALICE, elsewhere, "not for bob");
    fx.typing.setTyping(ALICE, ALICE, room, true, 10_000);
    SyncResult typing = pending.get(10, TimeUnit.SECONDS);
    assertEquals("m.typing", typing.join().get(room).ephemeral().get(0).get("type").asText());
    assertFalse(typing.join().containsKey(elsewhere));

    CompletableFuture<SyncResult> second = poll(BOB, typing.nextBatch(), LONG_TIMEOUT_MS);
    assertFalse(second.isDone());
    fx.accountData.put(BOB, BOB, null, "org.example", JsonMapper.shared().createObjectNode());
    assertEquals("org.example", second.get(10, TimeUnit.SECONDS).accountData().get(0).get("type").asText());
  }

  @Test
  void pendingSync_isWokenByAnInviteToANewRoom() throws Exception {
    fx.roomWith(BOB);
    String room = fx.createRoom(ALICE);
    SyncToken token = fx.initial(BOB).nextBatch();
    CompletableFuture<SyncResult> pending = poll(BOB, token, LONG_TIMEOUT_MS);
    fx.membership.invite(ALICE, room, BOB, null);
    assertTrue(pending.get(10, TimeUnit.SECONDS).invite().containsKey(room));
  }

  @Test
  void initialSync_neverWaits() throws Exception {
    fx.roomWith(ALICE);
    assertTrue(poll(ALICE, null, LONG_TIMEOUT_MS).isDone());
  }
}
