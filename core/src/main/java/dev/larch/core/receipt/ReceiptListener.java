package dev.larch.core.receipt;

/**
 * Told of each public read receipt a local user sends ({@code m.read}; private receipts and read markers stay on
 * this server), so that other servers in the room hear of it (the federation sender's {@code m.receipt} EDUs).
 * Must return quickly and never throw.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/server-server-api/#receipts">server-server API v1.11,
 * "Receipts"</a>.
 */
@FunctionalInterface
public interface ReceiptListener {
  /** A local user's receipt was stored. */
  void receiptSent(Receipt receipt);

  /** Tells nobody. */
  ReceiptListener NONE = receipt -> {};
}
