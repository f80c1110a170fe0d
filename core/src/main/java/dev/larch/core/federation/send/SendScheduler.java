package dev.larch.core.federation.send;

/**
 * Port: where the sender's work runs, now or after a delay, so that tests drive time and threads by hand. Tasks may
 * block (a send waits for the remote server), so the implementation runs them on worker threads, never on an event
 * loop.
 */
@FunctionalInterface
public interface SendScheduler {
  /** A scheduled task, which can be cancelled before it starts. */
  @FunctionalInterface
  interface Scheduled {
    void cancel();
  }

  /** Runs {@code task} after {@code delayMillis} (0: as soon as a worker is free). */
  Scheduled schedule(Runnable task, long delayMillis);
}
