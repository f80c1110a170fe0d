package dev.larch.core.receipt;

import java.util.List;

/**
 * Port: the latest receipt per (room, type, user, thread), with a stream of its own for {@code /sync}. Every method
 * is one transaction.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#receipts">client-server API v1.11,
 * "Receipts"</a>.
 */
public interface ReceiptStore {
  /**
   * Stores {@code receipt} (its stream position is ignored), replacing the user's previous receipt of that type and
   * thread in the room, and returns its new stream position.
   */
  long put(Receipt receipt);

  /** The room's receipts stored after {@code sinceExclusive} up to {@code untilInclusive}, oldest first. */
  List<Receipt> receipts(String roomId, long sinceExclusive, long untilInclusive);

  /** The highest position up to which every put has finished; 0 before the first. */
  long latestPosition();
}
