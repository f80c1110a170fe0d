package dev.larch.storage.jdbc.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs again, in order and each in its own transaction, the journal records H2 had not stored when the process
 * stopped (those numbered above {@code commit_journal.applied_seq}), then moves every sequence the replayed
 * transactions took values from past those values.
 */
public final class JournalReplay {
  private static final Logger LOG = LoggerFactory.getLogger(JournalReplay.class);

  /**
   * What a replay did: records applied and skipped (already stored), statements whose row count differed from the
   * original run (each logged; none is expected), and where a torn tail was cut off (-1 if none).
   */
  public record Result(int applied, int skipped, int divergent, long truncatedAt) {}

  private JournalReplay() {}

  static Result run(FileChannel channel, Connection connection) throws IOException, SQLException {
    long fileSize = channel.size();
    if (fileSize == 0) {
      return new Result(0, 0, 0, -1);
    }
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      long applied = CommitJournal.appliedSeq(connection);
      Map<String, PreparedStatement> statements = new HashMap<>();
      Map<String, Long> sequences = new HashMap<>();
      int appliedRecords = 0;
      int skipped = 0;
      int divergent = 0;
      long position = 0;
      long truncatedAt = -1;
      try {
        while (position < fileSize) {
          int length = payloadLength(channel, position, fileSize);
          JournalCodec.Record record = length < 0 ? null : read(channel, position, length);
          if (record == null) {
            LOG.warn("commit journal: dropping an incomplete record at byte {} of {} (a write cut short by a crash)",
                position, fileSize);
            truncatedAt = position;
            break;
          }
          position += JournalCodec.HEADER_BYTES + length;
          if (record.seq() <= applied) {
            skipped++;
            continue;
          }
          divergent += apply(connection, record, statements, sequences);
          CommitJournal.setApplied(connection, record.seq());
          connection.commit();
          applied = record.seq();
          appliedRecords++;
        }
      } finally {
        for (PreparedStatement ps : statements.values()) {
          ps.close();
        }
      }
      advanceSequences(connection, sequences);
      connection.commit();
      if (appliedRecords > 0) {
        LOG.info("commit journal: replayed {} transactions not yet stored by H2 ({} already stored)",
            appliedRecords, skipped);
      }
      return new Result(appliedRecords, skipped, divergent, truncatedAt);
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  private static int apply(Connection connection, JournalCodec.Record record, Map<String, PreparedStatement> statements,
      Map<String, Long> sequences) throws SQLException {
    int divergent = 0;
    for (WriteLog.Entry entry : record.entries()) {
      if (entry instanceof WriteLog.SequenceValue value) {
        sequences.merge(value.sequence(), value.value(), Math::max);
        continue;
      }
      WriteLog.Statement statement = (WriteLog.Statement) entry;
      PreparedStatement ps = statements.get(statement.sql());
      if (ps == null) {
        ps = connection.prepareStatement(statement.sql());
        statements.put(statement.sql(), ps);
      }
      ps.clearParameters();
      Object[] parameters = statement.parameters();
      for (int i = 0; i < parameters.length; i++) {
        bind(ps, i + 1, parameters[i]);
      }
      long rows = ps.executeLargeUpdate();
      if (rows != statement.rowCount()) {
        divergent++;
        LOG.error("commit journal: replaying record {} changed {} rows where the original changed {}: {}",
            record.seq(), rows, statement.rowCount(), statement.sql());
      }
    }
    return divergent;
  }

  private static void bind(PreparedStatement ps, int index, Object value) throws SQLException {
    if (value instanceof WriteLog.SqlNull n) {
      ps.setNull(index, n.sqlType());
    } else if (value instanceof String s) {
      ps.setString(index, s);
    } else if (value instanceof Long l) {
      ps.setLong(index, l);
    } else if (value instanceof Integer i) {
      ps.setInt(index, i);
    } else if (value instanceof Boolean b) {
      ps.setBoolean(index, b);
    } else if (value instanceof byte[] bytes) {
      ps.setBytes(index, bytes);
    } else {
      // Only the unbound positions of a statement that never set them; the original run would have failed.
      throw new SQLException("journal record binds nothing at parameter " + index);
    }
  }

  // H2 keeps a sequence's position with its other metadata, which may have been stored before the values the
  // replayed transactions took: without this, the sequence would hand them out again.
  private static void advanceSequences(Connection connection, Map<String, Long> sequences) throws SQLException {
    for (Map.Entry<String, Long> sequence : sequences.entrySet()) {
      String name = sequence.getKey();
      if (!name.matches("[a-z_]+")) {
        throw new SQLException("bad sequence name in journal: " + name);
      }
      long next;
      try (Statement s = connection.createStatement();
          ResultSet rs = s.executeQuery("SELECT nextval('" + name + "')")) {
        rs.next();
        next = rs.getLong(1);
      }
      if (next <= sequence.getValue()) {
        try (Statement s = connection.createStatement()) {
          s.execute("ALTER SEQUENCE " + name + " RESTART WITH " + (sequence.getValue() + 1));
        }
      }
    }
  }

  // The payload length the header at position announces, or -1 where no whole record can start.
  private static int payloadLength(FileChannel channel, long position, long fileSize) throws IOException {
    if (fileSize - position < JournalCodec.HEADER_BYTES) {
      return -1;
    }
    ByteBuffer header = ByteBuffer.allocate(JournalCodec.HEADER_BYTES);
    readFully(channel, header, position);
    header.flip();
    return JournalCodec.payloadLength(header, fileSize - position);
  }

  private static JournalCodec.Record read(FileChannel channel, long position, int length) throws IOException {
    ByteBuffer record = ByteBuffer.allocate(JournalCodec.HEADER_BYTES + length);
    readFully(channel, record, position);
    record.flip();
    return JournalCodec.decode(record);
  }

  private static void readFully(FileChannel channel, ByteBuffer into, long position) throws IOException {
    long at = position;
    while (into.hasRemaining()) {
      int n = channel.read(into, at);
      if (n < 0) {
        throw new IOException("journal ended early");
      }
      at += n;
    }
  }
}
