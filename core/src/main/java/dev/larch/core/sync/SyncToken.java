package dev.larch.core.sync;

import dev.larch.core.error.MatrixException;

/**
 * A position in every stream {@code /sync} reads: {@code since} and {@code next_batch}.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#syncing">client-server API v1.11, "Syncing"</a>
 * (the token is opaque to clients). Our format is {@code s<events>_<accountData>_<receipts>_<typing>_<presence>},
 * e.g. {@code s42_7_3_1718000000000_1718000000002}: the event part comes first so that {@code /messages} can read a
 * sync token by its event stream position alone, and trailing parts may be absent (read as 0), so streams can be
 * added at the end without breaking tokens already handed out. Every part is a stored stream position or, for the
 * in-memory streams (typing, presence), a position seeded from the clock at start, so tokens survive restarts.
 */
public record SyncToken(long events, long accountData, long receipts, long typing, long presence) {
  /** Before everything: what an initial sync compares against. */
  public static final SyncToken ZERO = new SyncToken(0, 0, 0, 0, 0);

  private static final int PARTS = 5;

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
    return new SyncToken(values[0], values[1], values[2], values[3], values[4]);
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
    return "s" + events + "_" + accountData + "_" + receipts + "_" + typing + "_" + presence;
  }

  /** Whether every stream of {@code other} is at or before this one's. */
  public boolean covers(SyncToken other) {
    return events >= other.events && accountData >= other.accountData && receipts >= other.receipts
        && typing >= other.typing && presence >= other.presence;
  }

  @Override
  public String toString() {
    return serialize();
  }
}
