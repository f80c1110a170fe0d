package dev.larch.storage.filter;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.filter.FilterStore;
import dev.larch.core.json.JsonMapper;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.Sequences;
import dev.larch.storage.jdbc.Tx;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;

/** {@link FilterStore} over the {@code user_filters} table; IDs come from the {@code user_filter_ids} sequence. */
public final class JdbcFilterStore implements FilterStore {
  private final Tx tx;

  public JdbcFilterStore(Database database) {
    this.tx = database.tx();
  }

  @Override
  public String create(String userId, ObjectNode filter) {
    byte[] json;
    try {
      json = JsonMapper.shared().writeValueAsBytes(filter);
    } catch (IOException e) {
      throw new IllegalArgumentException("filter is not serialisable", e);
    }
    long id = tx.inTransaction(c -> {
      long next;
      next = Sequences.next(c, "user_filter_ids");
      try (PreparedStatement ps =
          c.prepareStatement("INSERT INTO user_filters (user_id, filter_id, filter) VALUES (?, ?, ?)")) {
        ps.setString(1, userId);
        ps.setLong(2, next);
        ps.setBytes(3, json);
        ps.executeUpdate();
      }
      return next;
    });
    return Long.toString(id);
  }

  @Override
  public Optional<ObjectNode> get(String userId, String filterId) {
    long id;
    try {
      id = Long.parseLong(filterId);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    return tx.read(c -> {
      try (PreparedStatement ps =
          c.prepareStatement("SELECT filter FROM user_filters WHERE user_id = ? AND filter_id = ?")) {
        ps.setString(1, userId);
        ps.setLong(2, id);
        try (ResultSet rs = ps.executeQuery()) {
          return rs.next() ? Optional.of(decode(rs.getBytes(1))) : Optional.empty();
        }
      }
    });
  }

  private static ObjectNode decode(byte[] bytes) throws SQLException {
    try {
      JsonNode node = JsonMapper.shared().readTree(bytes);
      return (ObjectNode) node;
    } catch (IOException | ClassCastException e) {
      throw new SQLException("stored filter is not a JSON object", e);
    }
  }
}
