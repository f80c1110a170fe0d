package dev.larch.storage.receipt;

import dev.larch.core.receipt.Receipt;
import dev.larch.core.receipt.ReceiptStore;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.StreamTracker;
import dev.larch.storage.jdbc.Tx;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link ReceiptStore} over the {@code receipts} table: one row per (room, type, user, thread), replaced by each new
 * receipt. Positions come from a {@link StreamTracker} of their own, seeded from the table at open.
 */
public final class JdbcReceiptStore implements ReceiptStore {
  private static final String UNTHREADED = "";

  private final Tx tx;
  private final StreamTracker positions;
  private final String upsert;

  public JdbcReceiptStore(Database database) {
    this.tx = database.tx();
    this.upsert = database.dialect().upsert(
        "receipts",
        List.of("room_id", "receipt_type", "user_id", "thread_id"),
        List.of("event_id", "ts", "stream_position"));
    this.positions = new StreamTracker(tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT MAX(stream_position) FROM receipts");
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : 0L;
      }
    }));
  }

  @Override
  public long put(Receipt receipt) {
    List<Long> allocated = new ArrayList<>(1);
    try {
      return tx.inTransaction(c -> {
        long position = positions.allocate();
        allocated.add(position);
        try (PreparedStatement ps = c.prepareStatement(upsert)) {
          ps.setString(1, receipt.roomId());
          ps.setString(2, receipt.type());
          ps.setString(3, receipt.userId());
          ps.setString(4, receipt.threadId() == null ? UNTHREADED : receipt.threadId());
          ps.setString(5, receipt.eventId());
          ps.setLong(6, receipt.ts());
          ps.setLong(7, position);
          ps.executeUpdate();
        }
        return position;
      });
    } finally {
      allocated.forEach(positions::finish);
    }
  }

  @Override
  public List<Receipt> receipts(String roomId, long sinceExclusive, long untilInclusive) {
    long until = Math.min(untilInclusive, positions.current());
    if (until <= sinceExclusive) {
      return List.of();
    }
    return tx.read(c -> {
      List<Receipt> receipts = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT receipt_type, user_id, thread_id, event_id, ts, stream_position FROM receipts"
              + " WHERE room_id = ? AND stream_position > ? AND stream_position <= ? ORDER BY stream_position")) {
        ps.setString(1, roomId);
        ps.setLong(2, sinceExclusive);
        ps.setLong(3, until);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            String thread = rs.getString(3);
            receipts.add(new Receipt(roomId, rs.getString(1), rs.getString(2),
                UNTHREADED.equals(thread) ? null : thread, rs.getString(4), rs.getLong(5), rs.getLong(6)));
          }
        }
      }
      return receipts;
    });
  }

  @Override
  public long latestPosition() {
    return positions.current();
  }
}
