package dev.larch.storage.jdbc.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RecordingConnectionTest {
  private Connection raw;

  @BeforeEach
  void open() throws SQLException {
    raw = DriverManager.getConnection("jdbc:h2:mem:rec-" + UUID.randomUUID());
    try (Statement s = raw.createStatement()) {
      s.execute("CREATE TABLE t (k VARCHAR PRIMARY KEY, n BIGINT, b VARBINARY)");
      s.execute("CREATE SEQUENCE ids");
    }
    raw.setAutoCommit(false);
  }

  @AfterEach
  void close() throws SQLException {
    raw.close();
  }

  @Test
  void writesAreRecordedWithTheirParametersAndRowCounts_readsAreNot() throws SQLException {
    WriteLog log = new WriteLog();
    Connection c = RecordingConnection.wrap(raw, log);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k, n, b) VALUES (?, ?, ?)")) {
      for (int i = 0; i < 3; i++) {
        ps.setString(1, "k" + i);
        ps.setLong(2, i);
        ps.setBytes(3, null);
        ps.addBatch();
      }
      ps.executeBatch();
    }
    try (PreparedStatement ps = c.prepareStatement("UPDATE t SET n = n + 10 WHERE n >= ?")) {
      ps.setLong(1, 1);
      assertEquals(2, ps.executeUpdate());
    }
    try (PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM t"); ResultSet rs = ps.executeQuery()) {
      rs.next();
      assertEquals(3, rs.getInt(1));
    }

    assertEquals(4, log.entries().size());
    WriteLog.Statement second = (WriteLog.Statement) log.entries().get(1);
    assertEquals("k1", second.parameters()[0]);
    assertEquals(1L, second.parameters()[1]);
    assertEquals(new WriteLog.SqlNull(java.sql.Types.VARBINARY), second.parameters()[2]);
    WriteLog.Statement update = (WriteLog.Statement) log.entries().get(3);
    assertEquals("UPDATE t SET n = n + 10 WHERE n >= ?", update.sql());
    assertEquals(2, update.rowCount());
  }

  @Test
  void aFailedStatement_isNotRecorded() throws SQLException {
    WriteLog log = new WriteLog();
    Connection c = RecordingConnection.wrap(raw, log);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k) VALUES (?)")) {
      ps.setString(1, "same");
      ps.executeUpdate();
      assertThrows(SQLException.class, ps::executeUpdate);
    }
    assertEquals(1, log.entries().size());
  }

  @Test
  void aBatchThatFailsPartway_recordsTheEntriesThatChangedRows() throws SQLException {
    WriteLog log = new WriteLog();
    Connection c = RecordingConnection.wrap(raw, log);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k) VALUES (?)")) {
      ps.setString(1, "taken");
      ps.executeUpdate();
      for (String k : new String[] {"a", "taken", "b"}) {
        ps.setString(1, k);
        ps.addBatch();
      }
      assertThrows(java.sql.BatchUpdateException.class, ps::executeBatch);
    }
    // Whatever H2 applied around the failed entry is in the transaction, so it is in the log too.
    try (PreparedStatement ps = raw.prepareStatement("SELECT k FROM t ORDER BY k"); ResultSet rs = ps.executeQuery()) {
      java.util.List<String> keys = new java.util.ArrayList<>();
      while (rs.next()) {
        keys.add(rs.getString(1));
      }
      java.util.List<String> logged = new java.util.ArrayList<>();
      for (WriteLog.Entry entry : log.entries()) {
        logged.add((String) ((WriteLog.Statement) entry).parameters()[0]);
      }
      java.util.Collections.sort(logged);
      assertEquals(keys, logged);
    }
  }

  @Test
  void whatReplayCouldNotRepeat_isRefused() throws SQLException {
    Connection c = RecordingConnection.wrap(raw, new WriteLog());
    assertThrows(UnsupportedOperationException.class,
        () -> c.prepareStatement("INSERT INTO t (k, n) VALUES ('a', nextval('ids'))"));
    assertThrows(UnsupportedOperationException.class, () -> c.prepareStatement("CREATE TABLE u (a INT)"));
    assertThrows(UnsupportedOperationException.class, c::commit);
    assertThrows(UnsupportedOperationException.class, c::rollback);
    try (PreparedStatement ps = c.prepareStatement("INSERT INTO t (k) VALUES (?)")) {
      assertThrows(UnsupportedOperationException.class, () -> ps.setObject(1, "x"));
    }
  }

  @Test
  void sequenceValues_areRecordedThroughSequencesNext() throws SQLException {
    WriteLog log = new WriteLog();
    Connection c = RecordingConnection.wrap(raw, log);
    long first = dev.larch.storage.jdbc.Sequences.next(c, "ids");
    long second = dev.larch.storage.jdbc.Sequences.next(c, "ids");
    assertEquals(first + 1, second);
    assertEquals(new WriteLog.SequenceValue("ids", second), log.entries().get(1));
    // Without the journal the same call just reads the sequence.
    assertFalse(raw.isWrapperFor(WriteLog.class));
    assertTrue(dev.larch.storage.jdbc.Sequences.next(raw, "ids") > second);
  }

  @Test
  void statementKinds() {
    assertTrue(RecordingConnection.changesData("  insert into t values (1)"));
    assertTrue(RecordingConnection.changesData("MERGE INTO t KEY (k) VALUES (?)"));
    assertTrue(RecordingConnection.changesData("DELETE FROM t"));
    assertFalse(RecordingConnection.changesData("SELECT * FROM t FOR UPDATE"));
    assertFalse(RecordingConnection.changesData("WITH RECURSIVE c AS (SELECT 1) SELECT * FROM c"));
    assertFalse(RecordingConnection.changesData("SELECT nextval('ids')"));
    assertThrows(UnsupportedOperationException.class,
        () -> RecordingConnection.changesData("SELECT nextval('ids') + 1"));
    assertThrows(UnsupportedOperationException.class, () -> RecordingConnection.changesData("TRUNCATE TABLE t"));
  }
}
