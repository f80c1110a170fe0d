package dev.larch.core.ratelimit;

/**
 * A token bucket's shape: {@code burst} requests at once, refilled at {@code perSecond}.
 *
 * <p>Spec: client-server API v1.11, "Rate limiting" ({@code M_LIMIT_EXCEEDED} with {@code retry_after_ms}).
 *
 * @param perSecond tokens added per second (may be fractional)
 * @param burst the bucket's capacity: how many requests may come at once after a quiet period
 */
public record RateLimit(double perSecond, int burst) {
  public RateLimit {
    if (!(perSecond > 0) || burst < 1) {
      throw new IllegalArgumentException("a rate limit needs perSecond > 0 and burst >= 1");
    }
  }
}
