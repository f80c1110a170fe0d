package dev.larch.storage.federation.inbound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.federation.inbound.ReceivedTransactions;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.json.ReceivedJson;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.Tx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * {@link ReceivedTransactions} over the {@code federation_inbound_transactions} table (V010): one row per (origin,
 * txnId) with the JSON answer. Each record also deletes the rows older than {@link #KEEP}, through the
 * {@code received_ts} index, so the table holds about a day of transactions.
 */
public final class JdbcReceivedTransactions implements ReceivedTransactions {
  /** How long an answer is kept for retries. */
  public static final Duration KEEP = Duration.ofDays(1);

  private final Tx tx;
  private final Clock clock;

  public JdbcReceivedTransactions(Database database, Clock clock) {
    this.tx = database.tx();
    this.clock = clock;
  }

  @Override
  public Optional<ObjectNode> response(String origin, String txnId) {
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT response FROM federation_inbound_transactions WHERE origin = ? AND txn_id = ?")) {
        ps.setString(1, origin);
        ps.setString(2, txnId);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(ReceivedJson.parseObject(rs.getBytes(1))) : Optional.empty();
        }
      }
    });
  }

  @Override
  public void record(String origin, String txnId, ObjectNode response) {
    byte[] json;
    try {
      json = JsonMapper.shared().writeValueAsBytes(response);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    long now = clock.millis();
    tx.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO federation_inbound_transactions (origin, txn_id, response, received_ts) VALUES (?, ?, ?, ?)"
              + " ON CONFLICT DO NOTHING")) {
        ps.setString(1, origin);
        ps.setString(2, txnId);
        ps.setBytes(3, json);
        ps.setLong(4, now);
        ps.executeUpdate();
      }
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM federation_inbound_transactions WHERE received_ts < ?")) {
        ps.setLong(1, now - KEEP.toMillis());
        ps.executeUpdate();
      }
      return null;
    });
  }
}
