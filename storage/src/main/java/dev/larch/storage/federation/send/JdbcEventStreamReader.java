package dev.larch.storage.federation.send;

import dev.larch.core.federation.send.EventStreamReader;
import dev.larch.core.federation.send.StreamEvent;
import dev.larch.storage.jdbc.Database;
import dev.larch.storage.jdbc.Tx;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link EventStreamReader} over the {@code events} table (V001), read-only: the accepted events in a range of
 * {@code stream_ordering}, through its unique index.
 */
public final class JdbcEventStreamReader implements EventStreamReader {
  private final Tx tx;

  public JdbcEventStreamReader(Database database) {
    this.tx = database.tx();
  }

  @Override
  public List<StreamEvent> events(long afterExclusive, long untilInclusive, int limit) {
    if (untilInclusive <= afterExclusive || limit <= 0) {
      return List.of();
    }
    return tx.read(c -> {
      List<StreamEvent> out = new ArrayList<>();
      try (PreparedStatement ps = c.prepareStatement("SELECT event_id, room_id, sender, stream_ordering,"
          + " state_key IS NOT NULL FROM events WHERE stream_ordering > ? AND stream_ordering <= ?"
          + " AND outlier = FALSE AND soft_failed = FALSE AND rejected_reason IS NULL ORDER BY stream_ordering LIMIT ?")) {
        ps.setLong(1, afterExclusive);
        ps.setLong(2, untilInclusive);
        ps.setInt(3, limit);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            out.add(new StreamEvent(rs.getString(1), rs.getString(2), rs.getString(3), rs.getLong(4),
                rs.getBoolean(5)));
          }
        }
      }
      return out;
    });
  }
}
