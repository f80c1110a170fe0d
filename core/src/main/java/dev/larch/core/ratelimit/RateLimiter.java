package dev.larch.core.ratelimit;

import dev.larch.core.error.MatrixException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Token buckets keyed by who is acting (a remote address, a user ID): each action costs one token; an empty bucket
 * is {@code M_LIMIT_EXCEEDED} with the time until the next token as {@code retry_after_ms}.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#rate-limiting">client-server API v1.11, "Rate
 * limiting"</a>. Buckets that have refilled completely carry no information and are dropped when the map grows, so
 * memory stays bounded by the number of recently active keys.
 */
public final class RateLimiter {
  private static final int PRUNE_ABOVE = 10_000;

  private final RateLimit limit;
  private final Clock clock;
  private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();

  public RateLimiter(RateLimit limit, Clock clock) {
    this.limit = limit;
    this.clock = clock;
  }

  /** Takes one token from {@code key}'s bucket, or throws {@code M_LIMIT_EXCEEDED} (429) if it is empty. */
  public void acquire(String key) {
    long wait = tryAcquire(key);
    if (wait > 0) {
      throw MatrixException.limitExceeded(wait);
    }
  }

  /** Takes one token if there is one and returns 0; otherwise takes nothing and returns the ms to wait. */
  public long tryAcquire(String key) {
    long now = clock.millis();
    if (buckets.size() > PRUNE_ABOVE) {
      buckets.values().removeIf(b -> b.fullAt(now));
    }
    Bucket bucket = buckets.computeIfAbsent(key, k -> new Bucket(limit, now));
    return bucket.take(now);
  }

  private static final class Bucket {
    private final RateLimit limit;
    private double tokens;
    private long updatedAt;

    Bucket(RateLimit limit, long now) {
      this.limit = limit;
      this.tokens = limit.burst();
      this.updatedAt = now;
    }

    synchronized long take(long now) {
      refill(now);
      if (tokens >= 1) {
        tokens -= 1;
        return 0;
      }
      return Math.max(1, (long) Math.ceil((1 - tokens) * 1000 / limit.perSecond()));
    }

    synchronized boolean fullAt(long now) {
      refill(now);
      return tokens >= limit.burst();
    }

    private void refill(long now) {
      if (now > updatedAt) {
        tokens = Math.min(limit.burst(), tokens + (now - updatedAt) * limit.perSecond() / 1000);
        updatedAt = now;
      }
    }
  }
}
