package dev.larch.core.federation.send;

import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * {@link SendScheduler} over JDK executors: one timer thread that only hands due tasks over, and a small pool of
 * workers that run them (and block on remote servers). Both are daemon threads that end when idle, so idle
 * destinations cost no thread; {@link #close} stops both.
 */
public final class ExecutorSendScheduler implements SendScheduler, AutoCloseable {
  private final ScheduledThreadPoolExecutor timer;
  private final ThreadPoolExecutor workers;

  /** @param workerThreads how many sends (to different destinations) may wait on remote servers at once */
  public ExecutorSendScheduler(int workerThreads) {
    AtomicInteger counter = new AtomicInteger();
    this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "larch-fed-timer"));
    timer.setRemoveOnCancelPolicy(true);
    timer.setKeepAliveTime(30, TimeUnit.SECONDS);
    timer.allowCoreThreadTimeOut(true);
    this.workers = new ThreadPoolExecutor(workerThreads, workerThreads, 30, TimeUnit.SECONDS,
        new LinkedBlockingQueue<>(), r -> daemon(r, "larch-fed-send-" + counter.incrementAndGet()));
    workers.allowCoreThreadTimeOut(true);
  }

  /** After {@link #close}, tasks are dropped: what they would send stays queued in the database. */
  @Override
  public Scheduled schedule(Runnable task, long delayMillis) {
    try {
      if (delayMillis <= 0) {
        workers.execute(task);
        return () -> {};
      }
      ScheduledFuture<?> future = timer.schedule(() -> handOver(task), delayMillis, TimeUnit.MILLISECONDS);
      return () -> future.cancel(false);
    } catch (RejectedExecutionException e) {
      return () -> {};
    }
  }

  private void handOver(Runnable task) {
    try {
      workers.execute(task);
    } catch (RejectedExecutionException e) {
      // Closed meanwhile.
    }
  }

  @Override
  public void close() {
    timer.shutdownNow();
    workers.shutdownNow();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread thread = new Thread(r, name);
    thread.setDaemon(true);
    return thread;
  }
}
