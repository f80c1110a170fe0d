package dev.larch.storage.federation.send;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.federation.send.FederationQueueStore;
import dev.larch.core.federation.send.QueueEntry;
import dev.larch.core.json.JsonMapper;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.Sequences;
import dev.larch.storage.jdbc.StorageException;
import dev.larch.storage.jdbc.Tx;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@link FederationQueueStore} over {@code federation_queue} and {@code federation_stream_position} (V009).
 *
 * <p>Implementation notes: row IDs come from a sequence inside the inserting transaction, so they rise in queueing
 * order; two transactions queueing at once may commit out of ID order, which is why delivered rows are deleted by
 * ID rather than "up to an ID" (a row that commits late behind a sent one is still sent, just later).
 */
public final class JdbcFederationQueueStore implements FederationQueueStore {
  private static final String INSERT = "INSERT INTO federation_queue (id, destination, event_id, edu_type,"
      + " edu_content) VALUES (?, ?, ?, ?, ?)";

  private final Tx tx;

  public JdbcFederationQueueStore(Database database) {
    this.tx = database.tx();
  }

  @Override
  public long streamPosition() {
    return tx.read(c -> {
      try (PreparedStatement ps = c.prepareStatement(
          "SELECT stream_position FROM federation_stream_position WHERE singleton = 1");
          ResultSet rs = ps.executeQuery()) {
        return rs.next() ? rs.getLong(1) : -1L;
      }
    });
  }

  @Override
  public void enqueuePdus(List<QueueEntry> pdus, long streamPosition) {
    tx.inTransaction(c -> {
      insert(c, pdus);
      try (PreparedStatement ps = c.prepareStatement(
          "UPDATE federation_stream_position SET stream_position = ? WHERE singleton = 1")) {
        ps.setLong(1, streamPosition);
        ps.executeUpdate();
      }
      return null;
    });
  }

  @Override
  public void enqueue(List<QueueEntry> entries) {
    if (entries.isEmpty()) {
      return;
    }
    tx.inTransaction(c -> {
      insert(c, entries);
      return null;
    });
  }

  @Override
  public List<QueueEntry> head(String destination, int limit) {
    if (limit <= 0) {
      return List.of();
    }
    return tx.read(c -> {
      List<QueueEntry> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT id, event_id, edu_type, edu_content"
          + " FROM federation_queue WHERE destination = ? ORDER BY destination, id LIMIT ?")) {
        ps.setString(1, destination);
        ps.setInt(2, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            byte[] content = rs.getBytes(4);
            out.add(new QueueEntry(rs.getLong(1), destination, rs.getString(2), rs.getString(3),
                content == null ? null : json(content)));
          }
        }
      }
      return out;
    });
  }

  @Override
  public void delete(String destination, Collection<Long> ids) {
    if (ids.isEmpty()) {
      return;
    }
    tx.inTransaction(c -> {
      try (PreparedStatement ps =
          c.prepareStatement("DELETE FROM federation_queue WHERE destination = ? AND id = ?")) {
        for (long id : ids) {
          ps.setString(1, destination);
          ps.setLong(2, id);
          ps.addBatch();
        }
        ps.executeBatch();
      }
      return null;
    });
  }

  @Override
  public Set<String> destinations() {
    return tx.read(c -> {
      Set<String> out = new TreeSet<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT DISTINCT destination FROM federation_queue");
          ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          out.add(rs.getString(1));
        }
      }
      return out;
    });
  }

  private static void insert(Connection c, List<QueueEntry> entries) throws SQLException {
    if (entries.isEmpty()) {
      return;
    }
    try (PreparedStatement ps = c.prepareStatement(INSERT)) {
      for (QueueEntry entry : entries) {
        ps.setLong(1, Sequences.next(c, "federation_queue_ids"));
        ps.setString(2, entry.destination());
        ps.setString(3, entry.eventId());
        ps.setString(4, entry.eduType());
        ps.setBytes(5, entry.content() == null ? null : bytes(entry.content()));
        ps.addBatch();
      }
      ps.executeBatch();
    }
  }

  private static byte[] bytes(ObjectNode content) {
    try {
      return JsonMapper.shared().writeValueAsBytes(content);
    } catch (JsonProcessingException e) {
      throw new StorageException("cannot encode an EDU", e);
    }
  }

  private static ObjectNode json(byte[] bytes) {
    try {
      return (ObjectNode) JsonMapper.shared().readTree(bytes);
    } catch (IOException | ClassCastException e) {
      throw new StorageException("a queued EDU is unreadable", e);
    }
  }
}
