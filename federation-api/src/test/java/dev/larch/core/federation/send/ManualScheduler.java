package dev.larch.core.federation.send;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.OptionalLong;

/**
 * A {@link SendScheduler} and clock driven by the test: tasks run on the test thread when {@link #runDue} or
 * {@link #advance} reaches their time, so every step of the sender is deterministic.
 */
public final class ManualScheduler implements SendScheduler {
  private record Task(long due, long seq, Runnable work) {}

  private final List<Task> tasks = new ArrayList<>();
  private long now = 1_700_000_000_000L;
  private long seq;

  /** The clock the sender reads; moves only with {@link #advance}. */
  public final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      synchronized (ManualScheduler.this) {
        return Instant.ofEpochMilli(now);
      }
    }
  };

  @Override
  public synchronized Scheduled schedule(Runnable task, long delayMillis) {
    Task t = new Task(now + Math.max(0, delayMillis), seq++, task);
    tasks.add(t);
    return () -> {
      synchronized (ManualScheduler.this) {
        tasks.remove(t);
      }
    };
  }

  /** Runs every task due now, including those the tasks schedule for now, oldest first. */
  public void runDue() {
    while (true) {
      Task next;
      synchronized (this) {
        next = tasks.stream().filter(t -> t.due <= now)
            .min(Comparator.comparingLong(Task::due).thenComparingLong(Task::seq)).orElse(null);
        if (next == null) {
          return;
        }
        tasks.remove(next);
      }
      next.work.run();
    }
  }

  /** Moves the clock forward and runs what became due. */
  public void advance(long millis) {
    synchronized (this) {
      now += millis;
    }
    runDue();
  }

  /** How long until the next task is due, if any is scheduled. */
  public synchronized OptionalLong nextDelay() {
    return tasks.stream().mapToLong(t -> t.due - now).min();
  }

  public synchronized long now() {
    return now;
  }
}
