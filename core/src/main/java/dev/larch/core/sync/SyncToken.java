package dev.larch.core.sync;

import dev.larch.core.error.MatrixException;

/**
 * A position in every stream {@code /sync} reads: {@code since} and {@code next_batch}.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#syncing">client-server API v1.11, "Syncing"</a>
 * (the token is opaque to clients). Our format is
 * {@code s<events>_<accountData>_<receipts>_<typing>_<presence>_<toDevice>_<deviceLists>},
 * e.g. {@code s42_7_3_1718000000000_1718000000002_5_9}: the event part comes first so that {@code /messages} can read a
 * sync token by its event stream position alone, and trailing parts may be absent (read as 0), so streams can be
 * added at the end without breaking tokens already handed out. Every part is a stored stream position or, for the
 * in-memory streams (typing, presence), a position seeded from the clock at start, so tokens survive restarts.
 *
 * <p>Parts 6 and 7 (end-to-end encryption: the to-device and device-list streams) were appended after the first
 * five; tokens without them read as 0 there. A new stream goes after {@code deviceLists}, never between.
 */
public record SyncToken(
    long events, long accountData, long receipts, long typing, long presence, long toDevice, long deviceLists) {
  /** Before everything: what an initial sync compares against. */
  public static final SyncToken ZERO = new SyncToken(0, 0, 0, 0, 0, 0, 0);

  private static final int PARTS = 7;

  /** A token of the first five streams, with the end-to-end encryption streams at 0. */
  public SyncToken(long events, long accountData, long receipts, long typing, long presence) {
    this(events, accountData, receipts, typing, presence, 0, 0);
  }

  /** Parses a token; {@code M_INVALID_PARAM} if it is not one of ours. */
  public static SyncToken parse(String token) {
    if (token == null || token.length() < 2 || token.charAt(0) != 's') {
      throw MatrixException.invalidParam("Invalid sync token");
    }
    String[] parts = token.substring(1).split("_", -1);
    if (parts.length > PARTS) {
      throw MatrixException.invalidParam("Invalid sync token");
    }
    long[] values = new long[PARTS];
    for (int i = 0; i < parts.length; i++) {
      values[i] = parsePart(parts[i]);
    }
    return new SyncToken(values[0], values[1], values[2], values[3], values[4], values[5], values[6]);
  }

  private static long parsePart(String part) {
    if (part.isEmpty() || part.length() > 19) {
      throw MatrixException.invalidParam("Invalid sync token");
    }
    for (int i = 0; i < part.length(); i++) {
      if (part.charAt(i) < '0' || part.charAt(i) > '9') {
        throw MatrixException.invalidParam("Invalid sync token");
      }
    }
    try {
      return Long.parseLong(part);
    } catch (NumberFormatException e) {
      throw MatrixException.invalidParam("Invalid sync token");
    }
  }

  /** The wire form. */
  public String serialize() {
    return "s" + events + "_" + accountData + "_" + receipts + "_" + typing + "_" + presence + "_" + toDevice + "_"
        + deviceLists;
  }

  /** Whether every stream of {@code other} is at or before this one's. */
  public boolean covers(SyncToken other) {
    return events >= other.events && accountData >= other.accountData && receipts >= other.receipts
        && typing >= other.typing && presence >= other.presence && toDevice >= other.toDevice
        && deviceLists >= other.deviceLists;
  }

  /** This token with the to-device part at {@code position}. */
  public SyncToken withToDevice(long position) {
    return new SyncToken(events, accountData, receipts, typing, presence, position, deviceLists);
  }

  @Override
  public String toString() {
    return serialize();
  }
}
