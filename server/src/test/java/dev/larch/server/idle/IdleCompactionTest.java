package dev.larch.server.idle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class IdleCompactionTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final AtomicInteger runs = new AtomicInteger();
  private final IdleCompaction idle = new IdleCompaction(now::get, 5_000, runs::incrementAndGet);

  private void advanceMillis(long ms) {
    now.addAndGet(ms * 1_000_000);
  }

  @Test
  void runs_once_after_start_up_then_not_again_while_nothing_happens() {
    advanceMillis(5_000);
    assertTrue(idle.tick(), "start-up counts as activity");
    advanceMillis(60_000);
    assertFalse(idle.tick());
    assertEquals(1, runs.get());
  }

  @Test
  void runs_once_per_idle_spell_after_activity() {
    advanceMillis(5_000);
    idle.tick();
    runs.set(0);
    idle.touch();
    advanceMillis(4_999);
    assertFalse(idle.tick(), "not idle long enough yet");
    advanceMillis(1);
    assertTrue(idle.tick());
    advanceMillis(60_000);
    assertFalse(idle.tick(), "still the same idle spell");
    assertEquals(1, runs.get());

    idle.touch();
    advanceMillis(5_000);
    assertTrue(idle.tick());
    assertEquals(2, runs.get());
  }

  @Test
  void steady_requests_keep_it_from_running() {
    for (int i = 0; i < 100; i++) {
      idle.touch();
      advanceMillis(1_000);
      assertFalse(idle.tick());
    }
    assertEquals(0, runs.get());
  }

  @Test
  void rejects_a_non_positive_idle_time() {
    assertThrows(IllegalArgumentException.class, () -> new IdleCompaction(now::get, 0, () -> {}));
  }
}
