package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Assumptions;

/**
 * The databases every storage test runs on, after Dendrite's {@code test.WithAllDatabases}.
 *
 * <ul>
 *   <li>{@link #H2}: always; a file database in the test's temp dir, with the production URL settings, so
 *       durability settings are exercised by every test.
 *   <li>{@link #POSTGRES}: the server named by {@code LARCH_TEST_POSTGRES_URL}
 *       ({@code eval "$(scripts/postgres-test-db.sh)"} starts one). Each test gets a fresh schema, dropped after.
 *       Without the variable the tests are skipped with a banner on stderr, or fail when {@code CI=true}.
 * </ul>
 */
public enum TestDatabase {
  H2,
  POSTGRES;

  static final String POSTGRES_URL_ENV = "LARCH_TEST_POSTGRES_URL";
  private static final AtomicBoolean BANNER_SHOWN = new AtomicBoolean();

  /** A URL of a new, empty database; skips (or, on CI, fails) the test if this database is not available. */
  public String createUrl(Path tempDir) {
    if (this == H2) {
      return "jdbc:h2:file:" + tempDir.toAbsolutePath().resolve("larch");
    }
    String base = postgresBaseUrl();
    String schema = "t_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16);
    execute(base, "CREATE SCHEMA " + schema);
    return base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
  }

  /** Drops what {@link #createUrl} made (H2 files go with the temp dir). */
  public void drop(String url) {
    if (this == POSTGRES && url != null) {
      String schema = url.substring(url.indexOf("currentSchema=") + "currentSchema=".length());
      execute(postgresBaseUrl(), "DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  private static String postgresBaseUrl() {
    String url = System.getenv(POSTGRES_URL_ENV);
    if (url != null && !url.isBlank()) {
      return url;
    }
    String message =
        POSTGRES_URL_ENV + " is not set, so the PostgreSQL storage tests cannot run. Start a throwaway server with:"
            + "  eval \"$(scripts/postgres-test-db.sh)\"";
    if ("true".equals(String.valueOf(System.getenv("CI")).toLowerCase(Locale.ROOT))) {
      fail("CI=true requires PostgreSQL: " + message);
    }
    if (BANNER_SHOWN.compareAndSet(false, true)) {
      System.err.println();
      System.err.println("**********************************************************************************");
      System.err.println("* SKIPPING every PostgreSQL storage test: " + POSTGRES_URL_ENV + " is not set.");
      System.err.println("* Start one with:  eval \"$(scripts/postgres-test-db.sh)\"   (CI=true makes this fail)");
      System.err.println("**********************************************************************************");
      System.err.println();
    }
    Assumptions.assumeTrue(false, message);
    throw new AssertionError("unreachable");
  }

  private static void execute(String url, String sql) {
    try (Connection c = DriverManager.getConnection(url);
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException("test database setup failed: " + sql, e);
    }
  }
}
