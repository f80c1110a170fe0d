package dev.larch.storage.jdbc;

import dev.larch.storage.jdbc.journal.WriteLog;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/** Values from database sequences, taken so that a journaled transaction records them (see {@link WriteLog}). */
public final class Sequences {
  private Sequences() {}

  /** The next value of {@code sequence} (a name from the migrations). */
  public static long next(Connection c, String sequence) throws SQLException {
    long value;
    try (PreparedStatement ps = c.prepareStatement("SELECT nextval('" + sequence + "')");
        ResultSet rs = ps.executeQuery()) {
      rs.next();
      value = rs.getLong(1);
    }
    if (c.isWrapperFor(WriteLog.class)) {
      c.unwrap(WriteLog.class).sequenceValue(sequence, value);
    }
    return value;
  }
}
