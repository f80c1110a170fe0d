package dev.larch.overlay.router;

import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.wire.Root;
import dev.larch.overlay.wire.Watermark;

/**
 * A soft-state SNEK route: "{@code key} is reachable back through {@code source}", learned from a bootstrap.
 *
 * <p>Protocol doc 5.6-5.7. {@code destination} is where the bootstrap went next, null at the dead end.
 */
record SnekEntry(PublicKey key, Peer source, Peer destination, Watermark watermark, long lastSeen, Root root) {
  static final long EXPIRY_MS = 10_000;

  boolean valid(long now) {
    return now - lastSeen < EXPIRY_MS;
  }
}
