package dev.larch.overlay.session;

import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.node.OverlayNode;
import io.vertx.core.Context;
import java.util.function.BiConsumer;

/**
 * What the sessions layer needs from below: our key, the event loop to run on, and datagrams both ways addressed by
 * key. The overlay node is the only one in production; tests and measurements put an in-memory pipe here to see QUIC
 * without the overlay.
 */
interface DatagramPort {
  PublicKey publicKey();

  /** An event-loop context; everything of the sessions layer runs on its loop. */
  Context context();

  /** One datagram of at most 1200 bytes, best effort; {@code payload} is the caller's to give away. */
  void send(PublicKey destination, byte[] payload);

  /** Where received datagrams go (source key, payload), from any thread. */
  void receiver(BiConsumer<PublicKey, byte[]> handler);

  static DatagramPort of(OverlayNode node) {
    return new DatagramPort() {
      @Override
      public PublicKey publicKey() {
        return node.publicKey();
      }

      @Override
      public Context context() {
        return node.context();
      }

      @Override
      public void send(PublicKey destination, byte[] payload) {
        node.send(destination, payload);
      }

      @Override
      public void receiver(BiConsumer<PublicKey, byte[]> handler) {
        node.trafficHandler(handler);
      }
    };
  }
}
