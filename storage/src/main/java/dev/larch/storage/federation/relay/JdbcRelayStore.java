package dev.larch.storage.federation.relay;

import dev.larch.core.federation.relay.RelayStore;
import dev.larch.core.federation.relay.RelayedTransaction;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.Sequences;
import dev.larch.storage.jdbc.Tx;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** {@link RelayStore} over the {@code relay_transactions} table. */
public final class JdbcRelayStore implements RelayStore {
  private final Tx tx;

  public JdbcRelayStore(Database database) {
    this.tx = database.tx();
  }

  @Override
  public long add(RelayedTransaction t) {
    return tx.inTransaction(c -> {
      Optional<Long> existing = existing(c, t);
      if (existing.isPresent()) {
        return existing.get();
      }
      long entryId;
      entryId = Sequences.next(c, "relay_entry_ids");
      try (PreparedStatement ps = c.prepareStatement(
          "INSERT INTO relay_transactions (entry_id, destination, origin, txn_id, body, uri, auth_header)"
              + " VALUES (?, ?, ?, ?, ?, ?, ?)")) {
        ps.setLong(1, entryId);
        ps.setString(2, t.destination());
        ps.setString(3, t.origin());
        ps.setString(4, t.txnId());
        ps.setBytes(5, t.body());
        ps.setString(6, t.uri());
        ps.setString(7, t.authorization());
        ps.executeUpdate();
      }
      return entryId;
    });
  }

  private static Optional<Long> existing(Connection c, RelayedTransaction t) throws SQLException {
    try (PreparedStatement ps = c.prepareStatement(
        "SELECT entry_id FROM relay_transactions WHERE destination = ? AND origin = ? AND txn_id = ?")) {
      ps.setString(1, t.destination());
      ps.setString(2, t.origin());
      ps.setString(3, t.txnId());
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
      }
    }
  }

  @Override
  public Optional<RelayedTransaction> oldest(String destination) {
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT entry_id, origin, txn_id, body, uri, auth_header FROM relay_transactions"
              + " WHERE destination = ? ORDER BY destination, entry_id LIMIT 1")) {
        ps.setString(1, destination);
        try (ResultSet rs = ps.executeQuery()) {
          if (!rs.next()) {
            return Optional.<RelayedTransaction>empty();
          }
          return Optional.of(new RelayedTransaction(rs.getLong(1), destination, rs.getString(2), rs.getString(3),
              rs.getBytes(4), rs.getString(5), rs.getString(6)));
        }
      }
    });
  }

  @Override
  public boolean delete(String destination, long entryId) {
    return tx.inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "DELETE FROM relay_transactions WHERE destination = ? AND entry_id = ?")) {
        ps.setString(1, destination);
        ps.setLong(2, entryId);
        return ps.executeUpdate() > 0;
      }
    });
  }

  @Override
  public Usage usage(String destination) {
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT COUNT(*), COALESCE(SUM(OCTET_LENGTH(body)), 0) FROM relay_transactions WHERE destination = ?")) {
        ps.setString(1, destination);
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          return new Usage(rs.getInt(1), rs.getLong(2));
        }
      }
    });
  }
}
