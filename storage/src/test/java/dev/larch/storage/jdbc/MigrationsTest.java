package dev.larch.storage.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.storage.contract.TestDatabase;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** Flyway migrates in a class loader of its own, which nothing keeps once the database is open. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class MigrationsTest {
  private final TestDatabase kind;

  @TempDir Path tempDir;

  MigrationsTest(TestDatabase kind) {
    this.kind = kind;
  }

  @Test
  void flywayMigrates_inALoaderThatIsCollectedAfterwards() throws Exception {
    String url = kind.createUrl(tempDir);
    try {
      try (Database database = Database.open(url, 2)) {
        assertMigrated(database);
      }
      WeakReference<ClassLoader> first = Migrations.lastLoader;
      // Opened again: Flyway finds nothing to apply (and checks what was), in a fresh loader.
      try (Database database = Database.open(url, 2)) {
        assertMigrated(database);
        assertTrue(first.get() == null || first.get() != Migrations.lastLoader.get());
        WeakReference<ClassLoader> second = Migrations.lastLoader;
        assertNotNull(second.get());
        for (int i = 0; i < 300 && (first.get() != null || second.get() != null); i++) {
          System.gc();
          Thread.sleep(50);
        }
        assertNull(first.get(), "Flyway's class loader of the first open is still reachable");
        assertNull(second.get(), "Flyway's class loader of the second open is still reachable");
      }
    } finally {
      kind.drop(url);
    }
  }

  @Test
  void aFailedMigration_saysWhy() throws Exception {
    String url = kind.createUrl(tempDir);
    try {
      try (Database database = Database.open(url, 2);
          Connection c = database.dataSource().getConnection();
          Statement s = c.createStatement()) {
        // As if V001 had been edited after it was applied.
        s.executeUpdate("UPDATE flyway_schema_history SET checksum = 1 WHERE version = '001'");
      }
      StorageException failure = assertThrows(StorageException.class, () -> Database.open(url, 2).close());
      String reasons = "";
      for (Throwable t = failure; t != null; t = t.getCause()) {
        reasons += t + "\n";
      }
      // Flyway's own words, not a ClassNotFoundException from its closed class loader.
      assertTrue(reasons.contains("checksum mismatch") && !reasons.contains("ClassNotFoundException"), reasons);
    } finally {
      kind.drop(url);
    }
  }

  // Every migration file of the dialect is recorded as applied, and none as failed.
  private static void assertMigrated(Database database) throws Exception {
    Set<String> files = new TreeSet<>();
    for (String folder : List.of("db/migration/common", database.dialect().migrationFolder())) {
      URL url = MigrationsTest.class.getClassLoader().getResource(folder);
      if (url == null) {
        continue;
      }
      try (Stream<Path> listed = Files.list(Path.of(url.toURI()))) {
        listed.map(path -> path.getFileName().toString())
            .filter(name -> name.matches("V\\d+__.*\\.sql"))
            .forEach(name -> files.add(name.substring(1, name.indexOf("__"))));
      }
    }
    assertTrue(files.contains("001"), "migration files found: " + files);
    Set<String> applied = new TreeSet<>();
    try (Connection c = database.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version, success FROM flyway_schema_history WHERE version IS NOT NULL")) {
      while (rs.next()) {
        assertTrue(rs.getBoolean(2), "migration " + rs.getString(1) + " failed");
        applied.add(rs.getString(1));
      }
    }
    assertEquals(files, applied);
  }
}
