package dev.larch.storage.contract;

import dev.larch.storage.jdbc.Database;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * Base of every storage test: a fresh, migrated database per test, on each {@link TestDatabase}. Subclasses are
 * annotated {@code @ParameterizedClass @EnumSource(TestDatabase.class)} and take the database in their constructor,
 * so each class runs once per database.
 */
abstract class DatabaseTest {
  protected final TestDatabase kind;
  protected String url;
  protected Database database;

  @TempDir protected Path tempDir;

  DatabaseTest(TestDatabase kind) {
    this.kind = kind;
  }

  @BeforeEach
  void openDatabase() {
    url = kind.createUrl(tempDir);
    database = Database.open(url, 16);
  }

  @AfterEach
  void closeDatabase() {
    if (database != null) {
      database.close();
    }
    kind.drop(url);
  }

  /** Closes and opens the database again, as a restart does. */
  protected void reopen() {
    database.close();
    database = Database.open(url, 16);
  }
}
