package dev.larch.server.idle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.spi.VertxServiceProvider;
import java.util.ServiceLoader;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class IdleWorkerThreadsTest {
  @Test
  void runs_as_many_tasks_at_once_as_asked_then_lets_the_idle_threads_end() throws Exception {
    ThreadPoolExecutor pool = (ThreadPoolExecutor) new IdleWorkerThreads(50)
        .createExecutor(Executors.defaultThreadFactory(), 4, 4);
    try {
      CountDownLatch allRunning = new CountDownLatch(4);
      CountDownLatch release = new CountDownLatch(1);
      for (int i = 0; i < 4; i++) {
        pool.execute(() -> {
          allRunning.countDown();
          await(release);
        });
      }
      assertTrue(allRunning.await(10, TimeUnit.SECONDS), "four tasks ran at once");
      assertEquals(4, pool.getMaximumPoolSize());
      release.countDown();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (pool.getPoolSize() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertEquals(0, pool.getPoolSize(), "idle threads ended");
      CountDownLatch ranAgain = new CountDownLatch(1);
      pool.execute(ranAgain::countDown);
      assertTrue(ranAgain.await(10, TimeUnit.SECONDS), "a task after the threads ended still runs");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void vertx_finds_it_as_a_service() {
    assertTrue(ServiceLoader.load(VertxServiceProvider.class).stream()
        .anyMatch(provider -> provider.type() == IdleWorkerThreads.class));
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
