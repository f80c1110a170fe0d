package dev.larch.overlay.session;

import dev.larch.overlay.identity.PublicKey;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.function.BiConsumer;

/**
 * Two {@link DatagramPort}s joined back to back in memory, each on its own event loop: QUIC between two sessions
 * layers with no overlay, no TCP and no loss (a datagram goes straight into the other side's inbound queue, which
 * drops when full like a UDP socket).
 */
final class MemoryPipe {
  private MemoryPipe() {
  }

  static DatagramPort[] pair(Vertx vertx, PublicKey a, PublicKey b) {
    return pair(vertx, a, b, 0, 0, 0, 0);
  }

  /**
   * A wide-area path, to see how congestion control copes: each direction carries {@code bitsPerSecond} (datagrams
   * leave one after another, and wait their turn, without limit), loses {@code lossRate} of them (seeded,
   * independently) and delays each by {@code delayMs}.
   */
  static DatagramPort[] pair(Vertx vertx, PublicKey a, PublicKey b, double lossRate, long delayMs,
      long bitsPerSecond, long seed) {
    java.util.Random random = new java.util.Random(seed);
    End left = new End(a, ((VertxInternal) vertx).createEventLoopContext(), lossRate, delayMs, bitsPerSecond, random);
    End right = new End(b, ((VertxInternal) vertx).createEventLoopContext(), lossRate, delayMs, bitsPerSecond,
        random);
    left.other = right;
    right.other = left;
    return new DatagramPort[] {left, right};
  }

  private static final class End implements DatagramPort {
    private final PublicKey key;
    private final Context context;
    private End other;
    private final double lossRate;
    private final long delayMs;
    private final long bitsPerSecond;
    private final java.util.Random random;
    private long linkFreeAt; // nanoTime when the last datagram queued on this direction has left
    private volatile BiConsumer<PublicKey, byte[]> receiver = (source, payload) -> { };

    End(PublicKey key, Context context, double lossRate, long delayMs, long bitsPerSecond, java.util.Random random) {
      this.key = key;
      this.context = context;
      this.lossRate = lossRate;
      this.delayMs = delayMs;
      this.bitsPerSecond = bitsPerSecond;
      this.random = random;
    }

    @Override
    public PublicKey publicKey() {
      return key;
    }

    @Override
    public Context context() {
      return context;
    }

    @Override
    public void send(PublicKey destination, byte[] payload) {
      if (!destination.equals(other.key)) {
        return;
      }
      if (lossRate > 0) {
        synchronized (random) {
          if (random.nextDouble() < lossRate) {
            return;
          }
        }
      }
      if (delayMs > 0 || bitsPerSecond > 0) {
        long now = System.nanoTime();
        long leaves = now;
        if (bitsPerSecond > 0) {
          leaves = Math.max(now, linkFreeAt) + payload.length * 8L * 1_000_000_000L / bitsPerSecond;
          linkFreeAt = leaves;
        }
        long arrives = leaves + delayMs * 1_000_000L;
        // Whole milliseconds: finer timers make the event loop spin; the datagrams of one millisecond then arrive
        // together, as a receiver's read would pick them up.
        long waitMs = Math.max(1, (arrives - now + 999_999) / 1_000_000);
        ((io.vertx.core.internal.ContextInternal) context).nettyEventLoop().schedule(
            () -> other.receiver.accept(key, payload), waitMs, java.util.concurrent.TimeUnit.MILLISECONDS);
      } else {
        other.receiver.accept(key, payload); // QuicEndpoint.deliver queues it for the other loop
      }
    }

    @Override
    public void receiver(BiConsumer<PublicKey, byte[]> handler) {
      this.receiver = handler;
    }
  }
}
