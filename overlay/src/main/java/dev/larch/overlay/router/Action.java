package dev.larch.overlay.router;

import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.wire.Frame;

/**
 * Something the router wants done outside itself; the shell (or the simulator) executes these in order.
 *
 * <p>Protocol doc 2.5 (dropping peerings), 5.8 and 6.1 (local delivery), 7.3 (broadcast events).
 */
public sealed interface Action {
  /** Write {@code frame} on the peering at {@code port}. */
  record Send(int port, Frame frame) implements Action {}

  /** Close the peering at {@code port}: the peer broke the protocol. The router has already forgotten it. */
  record Disconnect(int port, String reason) implements Action {}

  /**
   * Traffic handed to the local node. As in Go, SNEK may hand over traffic addressed to a key that is not ours when
   * nothing closer is known, so the receiver must compare {@code destination} with its own key (protocol doc 5.8).
   */
  record Deliver(PublicKey source, PublicKey destination, byte[] payload) implements Action {}

  /** A wakeup broadcast from {@code source} was accepted (Go's {@code BroadcastReceived} event). */
  record BroadcastReceived(PublicKey source) implements Action {}
}
