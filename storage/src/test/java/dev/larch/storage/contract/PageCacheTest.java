package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.storage.jdbc.Dialect;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.WriteBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code Database.dropCaches}, which an idle node runs: H2's page cache empties (its size and the data stay) and its
 * pooled write buffers go.
 */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class PageCacheTest extends DatabaseTest {
  // 4 MB of rows: H2 reports its cache use in whole MB.
  private static final int ROWS = 1_000;
  private static final int ROW_BYTES = 4_096;
  // H2's new WriteBuffer().
  private static final int DEFAULT_WRITE_BUFFER = 1 << 20;

  PageCacheTest(TestDatabase kind) {
    super(kind);
  }

  @Test
  void dropCaches_emptiesH2sCache_keepsItsSizeAndTheData() throws Exception {
    for (int i = 0; i < ROWS; i++) {
      writeRow(i);
    }
    reopen(); // H2 caches pages it reads from the file; unstored pages are held by their B-trees instead
    assertEquals(ROWS, countRows());
    long usedBefore = h2Setting("info.CACHE_SIZE");
    long maxBefore = h2Setting("info.CACHE_MAX_SIZE");

    database.dropCaches();

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

  @Test
  void dropCaches_dropsH2sPooledWriteBuffers() throws Exception {
    Assumptions.assumeTrue(database.dialect() == Dialect.H2, "H2's write buffers only");
    // ~2 MB in one stored chunk: H2 writes it through a buffer grown to fit, then pools that buffer.
    for (int i = 0; i < 500; i++) {
      writeRow(i);
    }
    checkpoint();
    assertTrue(pooledWriteBufferCapacity() > DEFAULT_WRITE_BUFFER, "no large pooled buffer to drop");

    database.dropCaches();

    assertEquals(DEFAULT_WRITE_BUFFER, pooledWriteBufferCapacity());
    writeRow(500);
    checkpoint();
    reopen();
    assertEquals(501, countRows());
  }

  private void checkpoint() throws SQLException {
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("CHECKPOINT SYNC");
    }
  }

  // The capacity of the buffer H2's next store would write with (given back to the pool after looking).
  private long pooledWriteBufferCapacity() throws SQLException {
    try (Connection c = database.dataSource().getConnection()) {
      SessionLocal session = (SessionLocal) c.unwrap(JdbcConnection.class).getSession();
      FileStore<?> files = session.getDatabase().getStore().getMvStore().getFileStore();
      WriteBuffer buffer = files.getWriteBuffer();
      int capacity = buffer.capacity();
      files.releaseWriteBuffer(buffer);
      return capacity;
    }
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
