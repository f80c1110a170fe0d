package dev.larch.core.room;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.junit.jupiter.api.Test;

/**
 * The queue discipline of grouped sends, with a fake batch sender: who sends what is queued, and that nothing queued
 * is left behind when the lock was held elsewhere or a batch threw. The drainer runs inline (on the thread that
 * hands the queue on), so every step happens before the call that caused it returns.
 */
class SendBatchesTest {
  private static final String ROOM = "!room:larch.test";

  private final RoomLocks locks = new RoomLocks();
  private final List<List<String>> batches = new CopyOnWriteArrayList<>();

  // Sends a batch by completing each send (with no event); a batch holding a draft of type "boom" throws instead.
  private final BiConsumer<String, List<SendBatches.Pending>> sendBatch = (roomId, batch) -> {
    batches.add(batch.stream().map(p -> p.draft().type()).toList());
    if (batch.stream().anyMatch(p -> p.draft().type().equals("boom"))) {
      throw new IllegalStateException("boom");
    }
    batch.forEach(p -> p.complete(null));
  };

  private final SendBatches sends = new SendBatches(locks, Runnable::run, sendBatch);

  {
    locks.onRelease(sends::released);
  }

  private CompletableFuture<EventSender.Sent> submit(String type) {
    return sends.submit(new SendBatches.Pending(ROOM, "@a:larch.test", EventDraft.message(type,
        JsonMapper.shared().createObjectNode()), Optional.empty()));
  }

  @Test
  void aFreeRoom_sendsAtOnce_oneBatchPerCall() {
    assertTrue(submit("one").isDone());
    assertTrue(submit("two").isDone());
    assertEquals(List.of(List.of("one"), List.of("two")), batches);
  }

  @Test
  void sendsQueuedWhileTheLockIsHeld_goAsOneBatch_whenItIsLetGo() throws Exception {
    List<CompletableFuture<EventSender.Sent>> queued = new ArrayList<>();
    whileHeldElsewhere(() -> {
      for (int i = 0; i < 3; i++) {
        queued.add(submit("m" + i));
      }
      assertTrue(queued.stream().noneMatch(CompletableFuture::isDone), "nothing sent while the lock is held");
    });
    assertTrue(queued.stream().allMatch(f -> f.isDone() && !f.isCompletedExceptionally()));
    assertEquals(List.of(List.of("m0", "m1", "m2")), batches);
  }

  @Test
  void aBatchThatThrows_failsItsOwnSends_andTheQueueBehindItStillGoesOut() throws Exception {
    List<CompletableFuture<EventSender.Sent>> queued = new ArrayList<>();
    whileHeldElsewhere(() -> {
      queued.add(submit("boom"));
      for (int i = 1; i <= SendBatches.MAX_BATCH; i++) {
        queued.add(submit("m" + i));
      }
    });
    assertEquals(2, batches.size(), "a full batch, then the one send left over");
    assertEquals(SendBatches.MAX_BATCH, batches.get(0).size());
    for (int i = 0; i < SendBatches.MAX_BATCH; i++) {
      assertTrue(queued.get(i).isCompletedExceptionally(), "send " + i + " of the batch that threw");
    }
    CompletableFuture<EventSender.Sent> last = queued.get(SendBatches.MAX_BATCH);
    assertTrue(last.isDone() && !last.isCompletedExceptionally(), "the send after the failed batch went out");
  }

  // Runs work on this thread while another holds the room's lock through withLock; returns once that one has let
  // go (and, the drainer being inline, sent what was queued).
  private void whileHeldElsewhere(Runnable work) throws Exception {
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch letGo = new CountDownLatch(1);
    Thread holder = new Thread(() -> locks.withLock(ROOM, () -> {
      holding.countDown();
      try {
        letGo.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return null;
    }));
    holder.start();
    assertTrue(holding.await(10, TimeUnit.SECONDS));
    try {
      work.run();
    } finally {
      letGo.countDown();
      holder.join(10_000);
    }
    assertFalse(holder.isAlive());
  }
}
