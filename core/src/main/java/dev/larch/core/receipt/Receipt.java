package dev.larch.core.receipt;

/**
 * One user's receipt of one type in a room (per thread), as stored: the latest one replaces the earlier ones.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#receipts">client-server API v1.11,
 * "Receipts"</a>.
 *
 * @param type {@code m.read} or {@code m.read.private}
 * @param threadId the thread ({@code main} or a thread root's event ID), or null for an unthreaded receipt
 * @param ts when the receipt was sent, in ms since the epoch
 * @param streamPosition its position in the receipt stream (0 before it is stored)
 */
public record Receipt(
    String roomId, String type, String userId, String threadId, String eventId, long ts, long streamPosition) {
  public static final String READ = "m.read";
  public static final String READ_PRIVATE = "m.read.private";
  public static final String FULLY_READ = "m.fully_read";

  /** Whether only {@link #userId} may see it. */
  public boolean isPrivate() {
    return READ_PRIVATE.equals(type);
  }
}
