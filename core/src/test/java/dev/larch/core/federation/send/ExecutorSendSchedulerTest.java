package dev.larch.core.federation.send;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ExecutorSendSchedulerTest {
  @Test
  void runsTasksNowAndLater_onWorkerThreads_andCancelledOnesNever() throws Exception {
    try (ExecutorSendScheduler scheduler = new ExecutorSendScheduler(2)) {
      CountDownLatch now = new CountDownLatch(1);
      CountDownLatch later = new CountDownLatch(1);
      CountDownLatch cancelled = new CountDownLatch(1);
      String[] thread = new String[1];
      long start = System.nanoTime();
      scheduler.schedule(() -> {
        thread[0] = Thread.currentThread().getName();
        now.countDown();
      }, 0);
      scheduler.schedule(cancelled::countDown, 100).cancel();
      scheduler.schedule(later::countDown, 150);
      assertTrue(now.await(10, TimeUnit.SECONDS));
      assertTrue(thread[0].startsWith("larch-fed-send-"), thread[0]);
      assertTrue(later.await(10, TimeUnit.SECONDS));
      assertTrue(System.nanoTime() - start >= TimeUnit.MILLISECONDS.toNanos(150), "not before its delay");
      assertFalse(cancelled.await(0, TimeUnit.MILLISECONDS), "a cancelled task does not run");
    }
  }

  @Test
  void afterClose_tasksAreDroppedWithoutThrowing() throws Exception {
    ExecutorSendScheduler scheduler = new ExecutorSendScheduler(1);
    scheduler.close();
    CountDownLatch ran = new CountDownLatch(1);
    scheduler.schedule(ran::countDown, 0);
    scheduler.schedule(ran::countDown, 1).cancel();
    assertFalse(ran.await(100, TimeUnit.MILLISECONDS));
  }
}
