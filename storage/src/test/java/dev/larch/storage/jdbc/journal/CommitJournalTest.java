package dev.larch.storage.jdbc.journal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.JsonMapper;
import dev.larch.storage.filter.JdbcFilterStore;
import dev.larch.storage.jdbc.Database;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal against a real H2 file database. A crash is {@code SHUTDOWN IMMEDIATELY}: H2 closes without storing
 * anything, as if the process had been killed, and with the periodic checkpoints off, everything after the last
 * checkpoint must come back from the journal.
 */
class CommitJournalTest {
  private static final String ALICE = "@alice:larch.test";

  @TempDir Path dir;
  private String url;
  private Path journalFile;
  private Database database;

  @BeforeAll
  static void noPeriodicCheckpoints() {
    // Every write stays in the journal until a test checkpoints or crashes.
    System.setProperty("larch.journal.checkpoint-interval-ms", "0");
  }

  @AfterAll
  static void periodicCheckpointsAgain() {
    System.clearProperty("larch.journal.checkpoint-interval-ms");
  }

  @BeforeEach
  void open() throws SQLException {
    url = "jdbc:h2:file:" + dir.resolve("larch");
    journalFile = dir.resolve("larch.journal");
    database = Database.open(url, 4);
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("CREATE TABLE counter (id INT PRIMARY KEY, n BIGINT NOT NULL)");
      s.execute("INSERT INTO counter VALUES (1, 0)");
      s.execute("CHECKPOINT SYNC");
    }
  }

  @AfterEach
  void close() {
    if (database != null) {
      database.close();
    }
  }

  private void crash() throws SQLException {
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("SHUTDOWN IMMEDIATELY");
    } catch (SQLException expected) {
      // H2 may report the closing connection itself.
    }
    database.close(); // its checkpoint fails (H2 is gone); the journal stays as the crash left it
    database = null;
  }

  private void increment() {
    database.tx().inTransaction(c -> {
      try (PreparedStatement ps = c.prepareStatement("UPDATE counter SET n = n + 1 WHERE id = 1")) {
        return ps.executeUpdate();
      }
    });
  }

  private long counter() {
    return database.tx().read(c -> {
      try (PreparedStatement ps = c.prepareStatement("SELECT n FROM counter WHERE id = 1");
          ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    });
  }

  @Test
  void aCrashBeforeH2StoresAnything_losesNoCommit_andSequencesMoveOn() throws SQLException, IOException {
    JdbcFilterStore filters = new JdbcFilterStore(database);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      ObjectNode filter = JsonMapper.shared().createObjectNode().put("n", i);
      ids.add(filters.create(ALICE, filter));
      increment();
    }
    crash();
    assertTrue(Files.size(journalFile) > 0);

    database = Database.open(url, 4);
    filters = new JdbcFilterStore(database);
    for (int i = 0; i < 20; i++) {
      assertEquals(i, filters.get(ALICE, ids.get(i)).orElseThrow().get("n").asInt());
    }
    assertEquals(20, counter());
    assertEquals(0, Files.size(journalFile), "recovery stores everything and empties the journal");
    // H2 reopened its sequence where it had last stored it; the replay moved it past the values handed out.
    String next = filters.create(ALICE, JsonMapper.shared().createObjectNode());
    assertFalse(ids.contains(next), "filter ID " + next + " handed out twice");
  }

  @Test
  void journaledWritesKeepAConnectionOfTheirOwn_outsideThePool_andACrashLosesNone() throws SQLException {
    database.close();
    database = Database.open(url, 2);
    // A long reader holds one of the pool's two connections: writes and reads still get through.
    try (Connection reader = database.dataSource().getConnection()) {
      for (int i = 0; i < 5; i++) {
        increment();
        assertEquals(i + 1, counter(), "a read between writes gets the pool's other connection");
      }
    }
    crash();

    database = Database.open(url, 2);
    assertEquals(5, counter());
    increment(); // the writer of a reopened database opens its own connection again
    assertEquals(6, counter());
  }

  @Test
  void recordsH2HadAlreadyStored_areNotAppliedTwice() throws SQLException {
    for (int i = 0; i < 5; i++) {
      increment();
    }
    // H2 stores these five (as its background writer would), but the journal keeps them.
    try (Connection c = database.dataSource().getConnection(); Statement s = c.createStatement()) {
      s.execute("CHECKPOINT SYNC");
    }
    for (int i = 0; i < 3; i++) {
      increment();
    }
    crash();

    database = Database.open(url, 4);
    assertEquals(8, counter());
  }

  @Test
  void aTornLastRecord_isDropped_andEverythingBeforeItReplayed() throws SQLException, IOException {
    for (int i = 0; i < 4; i++) {
      increment();
    }
    crash();
    // A crash in the middle of an append: half a record after the whole ones.
    try (FileChannel channel = FileChannel.open(journalFile, StandardOpenOption.WRITE, StandardOpenOption.APPEND)) {
      channel.write(ByteBuffer.wrap(new byte[] {0, 0, 0, 40, 1, 2, 3, 4, 5, 6}));
    }

    database = Database.open(url, 4);
    assertEquals(4, counter());
    increment();
    assertEquals(5, counter());
  }

  @Test
  void atItsSizeLimit_theJournalCheckpointsAndEmpties() throws SQLException, IOException {
    database.close();
    System.setProperty("larch.journal.checkpoint-bytes", "4096");
    try {
      database = Database.open(url, 4);
    } finally {
      System.clearProperty("larch.journal.checkpoint-bytes");
    }
    long largest = 0;
    for (int i = 0; i < 300; i++) {
      increment();
      largest = Math.max(largest, Files.size(journalFile));
    }
    assertTrue(largest < 4096 + 1024, "journal grew to " + largest);
    crash();

    database = Database.open(url, 4);
    assertEquals(300, counter());
  }

  @Test
  void aCleanClose_leavesAnEmptyJournal() throws SQLException, IOException {
    increment();
    assertTrue(Files.size(journalFile) > 0);
    database.close();
    database = null;
    assertEquals(0, Files.size(journalFile));
    database = Database.open(url, 4);
    assertEquals(1, counter());
  }

  @Test
  void twoPoolsOfOneProcess_shareTheDatabaseAndItsJournal() throws SQLException, IOException {
    // H2 lets a process open one file database from several pools; their writes go through one journal.
    Database second = Database.open(url, 2);
    try {
      increment();
      second.tx().inTransaction(c -> {
        try (PreparedStatement ps = c.prepareStatement("UPDATE counter SET n = n + 10 WHERE id = 1")) {
          return ps.executeUpdate();
        }
      });
      assertEquals(11, counter());
    } finally {
      second.close();
    }
    increment(); // the first pool still writes, and journals, after the second closed
    assertTrue(Files.size(journalFile) > 0);
    crash();

    database = Database.open(url, 4);
    assertEquals(12, counter());
  }

  @Test
  void concurrentWriters_allSurviveACrash() throws Exception {
    List<Thread> threads = new ArrayList<>();
    Set<Throwable> failures = java.util.concurrent.ConcurrentHashMap.newKeySet();
    for (int t = 0; t < 4; t++) {
      Thread thread = new Thread(() -> {
        try {
          for (int i = 0; i < 50; i++) {
            increment();
          }
        } catch (Throwable e) {
          failures.add(e);
        }
      });
      thread.start();
      threads.add(thread);
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertEquals(Set.of(), new HashSet<>(failures));
    crash();

    database = Database.open(url, 4);
    assertEquals(200, counter());
  }
}
