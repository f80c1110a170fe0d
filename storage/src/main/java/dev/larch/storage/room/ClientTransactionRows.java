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
 * Client transaction IDs, kept on the row of the event they sent ({@code events.txn_device_id}/{@code txn_id}, V014),
 * whose unique index with the sender (V017) makes a send idempotent: {@link EventRows#insert} writes nothing for a
 * transaction ID already used. The transaction's user is the event's sender: a client sends as itself.
 */
final class ClientTransactionRows {
  private static final int IN_CHUNK = 100;

  /** The idempotency lookup: (txn ID, device, user), in the order of the V017 index that answers it. */
  static final String EVENT_ID_SQL =
      "SELECT event_id FROM events WHERE txn_id = ? AND txn_device_id = ? AND sender = ?";

  private ClientTransactionRows() {}

  /** The event a transaction ID sent, if it was used. */
  static Optional<String> eventId(Connection c, TxnKey txn) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(EVENT_ID_SQL)) {
      ps.setString(1, txn.txnId());
      ps.setString(2, txn.deviceId());
      ps.setString(3, txn.userId());
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
