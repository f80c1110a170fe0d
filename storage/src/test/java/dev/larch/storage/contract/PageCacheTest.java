package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.storage.jdbc.Dialect;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** {@code Database.dropPageCache}, which an idle node runs: H2's cache empties, its size and the data stay. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class PageCacheTest extends DatabaseTest {
  // 4 MB of rows: H2 reports its cache use in whole MB.
  private static final int ROWS = 1_000;
  private static final int ROW_BYTES = 4_096;

  PageCacheTest(TestDatabase kind) {
    super(kind);
  }

  @Test
  void dropPageCache_emptiesH2sCache_keepsItsSizeAndTheData() throws Exception {
    for (int i = 0; i < ROWS; i++) {
      writeRow(i);
    }
    reopen(); // H2 caches pages it reads from the file; unstored pages are held by their B-trees instead
    assertEquals(ROWS, countRows());
    long usedBefore = h2Setting("info.CACHE_SIZE");
    long maxBefore = h2Setting("info.CACHE_MAX_SIZE");

    database.dropPageCache();

    if (database.dialect() == Dialect.H2) {
      long usedAfter = h2Setting("info.CACHE_SIZE");
      assertTrue(usedAfter < usedBefore, "cache used " + usedBefore + " MB before, " + usedAfter + " MB after");
      assertEquals(maxBefore, h2Setting("info.CACHE_MAX_SIZE"));
    }
    assertEquals(ROWS, countRows());
    writeRow(ROWS);
    reopen();
    assertEquals(ROWS + 1, countRows());
  }

  private void writeRow(int i) {
    database.tx().inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("INSERT INTO account_data"
          + " (user_id, room_id, data_type, content, stream_position) VALUES (?, '', 't', ?, ?)")) {
        ps.setString(1, "@user" + i + ":x");
        ps.setBytes(2, new byte[ROW_BYTES]);
        ps.setLong(3, i);
        return ps.executeUpdate();
      }
    });
  }

  private int countRows() {
    return database.tx().read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT count(*), sum(octet_length(content)) FROM account_data");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        assertEquals((long) rs.getInt(1) * ROW_BYTES, rs.getLong(2)); // reads every row, filling the cache
        return rs.getInt(1);
      }
    });
  }

  // An H2 figure from information_schema.settings (0 on PostgreSQL, where the method is a no-op).
  private long h2Setting(String name) throws SQLException {
    if (database.dialect() != Dialect.H2) {
      return 0;
    }
    return database.tx().read(c -> {
      try (PreparedStatement ps =
              c.prepareStatement("SELECT setting_value FROM information_schema.settings WHERE setting_name = ?")) {
        ps.setString(1, name);
        try (ResultSet rs = ps.executeQuery()) {
          assertTrue(rs.next(), name);
          return Long.parseLong(rs.getString(1));
        }
      }
    });
  }
}
