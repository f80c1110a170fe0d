package dev.larch.overlay.node;

import org.slf4j.Logger;

/**
 * WARN for peer misbehaviour, at most once a second, counting what it held back; peers must not be able to flood our
 * logs. Style guide: "WARN: remote misbehaviour, rate-limited".
 */
final class WarnLimiter {
  private final Logger log;
  private long windowStart;
  private int suppressed;

  WarnLimiter(Logger log) {
    this.log = log;
  }

  void peer(String format, Object... args) {
    long now = System.nanoTime();
    if (now - windowStart < 1_000_000_000L) {
      suppressed++;
      return;
    }
    windowStart = now;
    if (suppressed > 0) {
      log.warn("{} peer warnings suppressed in the last second", suppressed);
      suppressed = 0;
    }
    log.warn(format, args);
  }
}
