package dev.larch.core.ratelimit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import org.junit.jupiter.api.Test;

class RateLimiterTest {
  private final TestClock clock = new TestClock(1_000_000);
  private final RateLimiter limiter = new RateLimiter(new RateLimit(2, 3), clock);

  @Test
  void tryAcquire_allowsTheBurst_thenAsksToWaitForOneToken() {
    assertEquals(0, limiter.tryAcquire("a"));
    assertEquals(0, limiter.tryAcquire("a"));
    assertEquals(0, limiter.tryAcquire("a"));
    assertEquals(500, limiter.tryAcquire("a"));
  }

  @Test
  void tryAcquire_refillsAtTheRate() {
    for (int i = 0; i < 3; i++) {
      limiter.tryAcquire("a");
    }
    clock.advance(250);
    assertEquals(250, limiter.tryAcquire("a"));
    clock.advance(250);
    assertEquals(0, limiter.tryAcquire("a"));
  }

  @Test
  void tryAcquire_keysAreIndependent() {
    for (int i = 0; i < 3; i++) {
      limiter.tryAcquire("a");
    }
    assertEquals(0, limiter.tryAcquire("b"));
  }

  @Test
  void acquire_whenEmpty_throwsLimitExceededWithRetryAfter() {
    for (int i = 0; i < 3; i++) {
      limiter.acquire("a");
    }
    MatrixException e = assertThrows(MatrixException.class, () -> limiter.acquire("a"));
    assertEquals(ErrorCode.LIMIT_EXCEEDED, e.errorCode());
    assertEquals(429, e.httpStatus());
    assertEquals(500L, e.extra().get("retry_after_ms"));
  }

  @Test
  void rateLimit_rejectsNonsense() {
    assertThrows(IllegalArgumentException.class, () -> new RateLimit(0, 1));
    assertThrows(IllegalArgumentException.class, () -> new RateLimit(1, 0));
  }
}
