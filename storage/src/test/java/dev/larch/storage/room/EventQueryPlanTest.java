package dev.larch.storage.room;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.storage.jdbc.Database;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timeline queries of {@link JdbcRoomStore} ({@code /messages}, {@code /sync}) read a room's events in index
 * order and stop at their LIMIT on H2, instead of reading every event of the room and sorting; a send's client
 * transaction ID is found through its index. H2 only: it is H2's
 * planner that needs the ORDER BY spelled out (see {@link JdbcRoomStore#paginateSql}); PostgreSQL reads a B-tree
 * either way and, on tables this small, may rightly prefer a sort, so its plans prove nothing here.
 */
class EventQueryPlanTest {
  private static final String ROOM = "!busy:larch.test";
  private static final int EVENTS = 3_000;
  private static final int LIMIT = 10;
  private static final Pattern SCAN_COUNT = Pattern.compile("scanCount: (\\d+)");

  @TempDir Path tempDir;
  private Database database;

  @BeforeEach
  void busyRoom() throws SQLException {
    database = Database.open("jdbc:h2:file:" + tempDir.resolve("larch"), 4);
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      // A busy room and a quiet one; depth and stream ordering rise together, as in a room with one writer.
      s.execute("INSERT INTO events (event_id, room_id, room_version, event_type, sender, depth, stream_ordering,"
          + " origin_server_ts, outlier, soft_failed, json) SELECT '$e' || n, CASE WHEN MOD(n, 10) = 0 THEN"
          + " '!quiet:larch.test' ELSE '" + ROOM + "' END, '10', 'm.room.message', '@a:larch.test', n, n, n,"
          + " FALSE, FALSE, X'7b7d' FROM (SELECT \"X\" AS n FROM SYSTEM_RANGE(1, " + EVENTS + "))");
    }
  }

  @AfterEach
  void close() {
    database.close();
  }

  @Test
  void streamRange_readsOnlyTheLimitFromTheEnd() throws SQLException {
    assertReadsAboutLimit(JdbcRoomStore.streamRangeSql("DESC"), 0, EVENTS, LIMIT);
    assertReadsAboutLimit(JdbcRoomStore.streamRangeSql("ASC"), 0, EVENTS, LIMIT);
  }

  @Test
  void pagination_startsAtTheTokenInBothDirections() throws SQLException {
    long middle = EVENTS / 2 + 1;
    assertReadsAboutLimit(JdbcRoomStore.paginateSql("<", "DESC"), EVENTS, middle, middle, middle, middle, LIMIT);
    assertReadsAboutLimit(JdbcRoomStore.paginateSql(">", "ASC"), EVENTS, middle, middle, middle, middle, LIMIT);
    assertReadsAboutLimit(JdbcRoomStore.paginateSql("<", "DESC"), EVENTS, EVENTS, EVENTS, EVENTS, EVENTS, LIMIT);
  }

  @Test
  void clientTransactionLookup_readsOneRowThroughItsIndex() throws SQLException {
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("UPDATE events SET txn_device_id = 'DEVICE', txn_id = 't' || stream_ordering WHERE MOD(depth, 2) = 0");
    }
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("EXPLAIN ANALYZE " + ClientTransactionRows.EVENT_ID_SQL)) {
      ps.setString(1, "t" + EVENTS / 2);
      ps.setString(2, "DEVICE");
      ps.setString(3, "@a:larch.test");
      String plan = plan(ps);
      Matcher m = SCAN_COUNT.matcher(plan);
      assertTrue(plan.contains("events_client_txn") && m.find(), "not read through its index:\n" + plan);
      // The row, plus the one past it where the index scan stops.
      assertTrue(Long.parseLong(m.group(1)) <= 2, "read " + m.group(1) + " rows for one:\n" + plan);
    }
  }

  private void assertReadsAboutLimit(String sql, long... params) throws SQLException {
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement ps = c.prepareStatement("EXPLAIN ANALYZE " + sql)) {
      ps.setString(1, ROOM);
      for (int i = 0; i < params.length; i++) {
        ps.setLong(i + 2, params[i]);
      }
      String plan = plan(ps);
      Matcher m = SCAN_COUNT.matcher(plan);
      assertTrue(plan.contains("index sorted") && m.find(), "not read in index order:\n" + plan);
      // The rows read: the LIMIT, plus at most the one at the token itself.
      assertTrue(Long.parseLong(m.group(1)) <= LIMIT + 1, "read " + m.group(1) + " rows for " + LIMIT + ":\n" + plan);
    }
  }

  // The plan H2 reports for an EXPLAIN ANALYZE statement, with the rows it read.
  private static String plan(PreparedStatement explain) throws SQLException {
    StringBuilder plan = new StringBuilder();
    try (ResultSet rs = explain.executeQuery()) {
      while (rs.next()) {
        plan.append(rs.getString(1));
      }
    }
    return plan.toString();
  }
}
