package dev.larch.storage.room;

import dev.larch.core.room.TxnKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Client transaction IDs: {@code client_transactions} maps (user, device, txn ID) to the event it produced, for
 * idempotent sends; the way back (a device's own events get {@code unsigned.transaction_id}) reads the
 * {@code events.txn_device_id}/{@code txn_id} columns written with the event (V014), since an index on
 * {@code client_transactions.event_id} was one more random-keyed B-tree for every send's commit to rewrite. The
 * transaction's user is the event's sender: a client sends as itself.
 */
final class ClientTransactionRows {
  private static final int IN_CHUNK = 100;

  private ClientTransactionRows() {}

  /** Records the transaction's event; false, writing nothing, if the transaction ID was already used. */
  static boolean insert(Connection c, TxnKey txn, String eventId) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "INSERT INTO client_transactions (user_id, device_id, txn_id, event_id) VALUES (?, ?, ?, ?)"
            + " ON CONFLICT DO NOTHING")) {
      ps.setString(1, txn.userId());
      ps.setString(2, txn.deviceId());
      ps.setString(3, txn.txnId());
      ps.setString(4, eventId);
      return ps.executeUpdate() == 1;
    }
  }

  static Optional<String> eventId(Connection c, TxnKey txn) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT event_id FROM client_transactions WHERE user_id = ? AND device_id = ? AND txn_id = ?")) {
      ps.setString(1, txn.userId());
      ps.setString(2, txn.deviceId());
      ps.setString(3, txn.txnId());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
      }
    }
  }

  /** Event ID to txn ID, for the events among {@code eventIds} that this device sent with a transaction ID. */
  static Map<String, String> txnIds(Connection c, Collection<String> eventIds, String userId, String deviceId)
      throws SQLException {
    List<String> ids = new ArrayList<>(new LinkedHashSet<>(eventIds));
    Map<String, String> found = new HashMap<>();
    for (int from = 0; from < ids.size(); from += IN_CHUNK) {
      List<String> chunk = ids.subList(from, Math.min(ids.size(), from + IN_CHUNK));
      String sql = "SELECT event_id, txn_id FROM events WHERE sender = ? AND txn_device_id = ?"
          + " AND event_id IN (?" + ", ?".repeat(chunk.size() - 1) + ")";
      try (PreparedStatement ps = c.prepareStatement(sql)) {
        ps.setString(1, userId);
        ps.setString(2, deviceId);
        for (int i = 0; i < chunk.size(); i++) {
          ps.setString(i + 3, chunk.get(i));
        }
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            found.put(rs.getString(1), rs.getString(2));
          }
        }
      }
    }
    return found;
  }
}
