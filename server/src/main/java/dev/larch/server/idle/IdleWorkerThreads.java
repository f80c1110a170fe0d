package dev.larch.server.idle;

import io.vertx.core.spi.ExecutorServiceFactory;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Vert.x worker pools (the client API's 64 workers, Vert.x's own worker and internal blocking pools) whose threads
 * end after a while without work. Vert.x's default pools are fixed, so a burst of requests left all 64 client workers
 * alive for good, each with its stack and per-thread caches: an idle node should not pay for its busiest minute.
 * Pool sizes stay what Vert.x asks for; the next task starts a thread again (tens of microseconds).
 *
 * <p>Vert.x loads it as a service ({@code META-INF/services/io.vertx.core.spi.VertxServiceProvider}), so every
 * {@code Vertx} of the server uses it.
 */
public final class IdleWorkerThreads implements ExecutorServiceFactory {
  /** Longer than the gaps between a busy client's requests, well within the idle compaction's 5 s. */
  static final long DEFAULT_KEEP_ALIVE_MS = 2_000;

  private final long keepAliveMillis;

  /** The service Vert.x loads. */
  public IdleWorkerThreads() {
    this(DEFAULT_KEEP_ALIVE_MS);
  }

  IdleWorkerThreads(long keepAliveMillis) {
    if (keepAliveMillis <= 0) {
      throw new IllegalArgumentException("keepAliveMillis must be positive");
    }
    this.keepAliveMillis = keepAliveMillis;
  }

  @Override
  public ExecutorService createExecutor(ThreadFactory threadFactory, Integer concurrency, Integer maxConcurrency) {
    // As Vert.x's own: maxConcurrency threads and an unbounded queue; core threads may time out too.
    ThreadPoolExecutor pool = new ThreadPoolExecutor(maxConcurrency, maxConcurrency, keepAliveMillis,
        TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), threadFactory);
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }
}
