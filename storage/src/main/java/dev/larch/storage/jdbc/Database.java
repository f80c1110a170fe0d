package dev.larch.storage.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.larch.storage.jdbc.journal.CommitJournal;
import dev.larch.storage.jdbc.journal.JournalReplay;
import java.io.IOException;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;
import org.h2.engine.SessionLocal;
import org.h2.jdbc.JdbcConnection;
import org.h2.mvstore.FileStore;
import org.h2.mvstore.db.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An open database: a HikariCP pool over H2 or PostgreSQL, migrated to the current schema on open.
 *
 * <p>Durability is part of the contract: when {@link Tx#inTransaction} returns, the commit survives the process
 * being killed. An H2 file database gets a {@link CommitJournal} next to it, replayed here at open, and H2 stores its
 * pages only at the journal's checkpoints; other H2 URLs get {@code WRITE_DELAY=0}, a store per commit
 * (storage/README.md "Durability"). PostgreSQL sessions are opened with {@code synchronous_commit = on} and a
 * server with {@code fsync} off is reported at WARN.
 */
public final class Database implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Database.class);

  // H2 settings Larch relies on. The first three make H2 speak our SQL dialect; LOCK_TIMEOUT gives a waiting writer
  // longer than H2's 1 s default; QUERY_CACHE_SIZE is performance only. WRITE_DELAY is added per URL (below).
  private static final Map<String, String> H2_SETTINGS = new LinkedHashMap<>();

  static {
    H2_SETTINGS.put("MODE", "PostgreSQL");
    H2_SETTINGS.put("DATABASE_TO_LOWER", "TRUE");
    H2_SETTINGS.put("DEFAULT_NULL_ORDERING", "HIGH");
    H2_SETTINGS.put("LOCK_TIMEOUT", "10000");
    // Parsed statements kept per session. H2's default of 8 is fewer than the distinct statements of one event's
    // persist, so every statement was parsed again on every send.
    H2_SETTINGS.put("QUERY_CACHE_SIZE", "64");
    // MVStore's page split size. A durable commit rewrites every B-tree page it changed, whole, so the leaf size is
    // the unit of write amplification: 2 KB instead of 4 KB halved the bytes a message's commit writes (48 to 24 KB,
    // storage/README "Persist"); 1 KB saved nothing more and deepened the trees. Read at every open, so existing
    // databases pick it up as their pages are rewritten.
    H2_SETTINGS.put("PAGE_SIZE", "2048");
  }

  // With the journal, H2 must not store on its own background thread: a store racing a writing transaction can
  // leave a row of it that the stored undo log does not cover, which after a crash stays locked by a transaction
  // that no longer exists (found by killing writers under load). So its timed store is pushed out of reach and
  // its background compaction is off; the journal checkpoints every second between transactions instead.
  // Without the journal, every commit stores (WRITE_DELAY=0).
  private static final Map<String, String> JOURNALED_H2_SETTINGS =
      Map.of("WRITE_DELAY", "1000000000", "AUTO_COMPACT_FILL_RATE", "0");
  private static final Map<String, String> UNJOURNALED_H2_SETTINGS = Map.of("WRITE_DELAY", "0");

  // The size of H2's pool of chunk write buffers (MVStore FileStore, H2 2.5).
  private static final int H2_POOLED_WRITE_BUFFERS = 4;

  private final HikariDataSource pool;
  private final Dialect dialect;
  private final CommitJournal journal; // null unless an H2 file database
  private final Tx tx;

  private Database(HikariDataSource pool, Dialect dialect, CommitJournal journal) {
    this.pool = pool;
    this.dialect = dialect;
    this.journal = journal;
    this.tx = new Tx(pool, dialect, journal, journal == null ? null : () -> {
      Connection connection = DriverManager.getConnection(pool.getJdbcUrl());
      connection.setTransactionIsolation(Connection.TRANSACTION_READ_COMMITTED); // as the pool's
      return connection;
    });
  }

  /** The default H2 file database in a data directory: {@code <dataDir>/larch.mv.db}. */
  public static String h2FileUrl(Path dataDir) {
    return "jdbc:h2:file:" + dataDir.toAbsolutePath().resolve("larch");
  }

  /** Opens and migrates the database at {@code jdbcUrl} with a pool of up to {@code maxPoolSize} connections. */
  public static Database open(String jdbcUrl, int maxPoolSize) {
    Dialect dialect = Dialect.fromUrl(jdbcUrl);
    Optional<Path> journalFile = dialect == Dialect.H2 ? CommitJournal.fileFor(jdbcUrl) : Optional.empty();
    String url = dialect == Dialect.H2
        ? completeH2Url(jdbcUrl, journalFile.isPresent() ? JOURNALED_H2_SETTINGS : UNJOURNALED_H2_SETTINGS)
        : jdbcUrl;
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(url);
    config.setMaximumPoolSize(maxPoolSize);
    config.setPoolName("larch-" + dialect.name().toLowerCase(Locale.ROOT));
    config.setTransactionIsolation("TRANSACTION_READ_COMMITTED");
    if (dialect == Dialect.POSTGRESQL) {
      // The server default, restated per session so a tuned-down server config cannot silently make 200s lossy.
      config.setConnectionInitSql("SET synchronous_commit = on");
    }
    HikariDataSource pool = new HikariDataSource(config);
    CommitJournal journal = null;
    try {
      if (journalFile.isPresent()) {
        CommitJournal opened = CommitJournal.acquire(journalFile.get());
        journal = opened;
        // Before migrations: the journal's statements were written against the schema H2 reopens with.
        opened.betweenWrites(pool, opened::recover);
      }
      migrate(pool, dialect);
      if (journal != null) {
        // The migrations stored before any journaled write can depend on them, then numbering resumes.
        CommitJournal started = journal;
        started.betweenWrites(pool, c -> {
          started.checkpoint(c);
          started.start(c, pool);
        });
      }
      if (dialect == Dialect.POSTGRESQL) {
        warnIfFsyncOff(pool);
      }
    } catch (RuntimeException | SQLException | IOException e) {
      pool.close();
      if (journal != null && CommitJournal.release(journal)) {
        closeQuietly(journal, e);
      }
      throw new StorageException("could not open the database", e);
    }
    LOG.info("database open dialect={} pool={} journal={}", dialect, maxPoolSize,
        journal == null ? "none" : journal.file());
    return new Database(pool, dialect, journal);
  }

  /** Opens with a pool of 10. */
  public static Database open(String jdbcUrl) {
    return open(jdbcUrl, 10);
  }

  public Dialect dialect() {
    return dialect;
  }

  /** The transaction runner every store uses. */
  public Tx tx() {
    return tx;
  }

  /** What replaying the commit journal did when this database opened; empty without a journal. */
  public Optional<JournalReplay.Result> journalRecovery() {
    return journal == null ? Optional.empty() : Optional.ofNullable(journal.recovery());
  }

  /**
   * Gives back the heap an idle node's H2 holds for speed, so the next full collection can return it: H2's page cache
   * (up to its {@code CACHE_SIZE}, 16 MB by default, of B-tree pages; reads fill it again) and its pooled chunk write
   * buffers. H2 clears the cache whenever its size is set, so this sets the size it already has: nothing else
   * changes, and nothing is left to restore. Between writes, as it touches H2's settings. No-op on PostgreSQL, whose
   * caches are not in this process.
   */
  public void dropCaches() throws SQLException, IOException {
    if (dialect != Dialect.H2) {
      return;
    }
    CommitJournal.BetweenWrites reset = c -> {
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(
              "SELECT setting_value FROM information_schema.settings WHERE setting_name = 'info.CACHE_MAX_SIZE'")) {
        if (rs.next()) {
          s.execute("SET CACHE_SIZE " + Math.multiplyExact(Integer.parseInt(rs.getString(1)), 1024)); // MB to KB
        }
      }
      dropWriteBuffers(c);
    };
    if (journal != null) {
      journal.betweenWrites(pool, reset);
      return;
    }
    try (Connection c = pool.getConnection()) {
      reset.run(c);
    }
  }

  // H2 keeps up to H2_POOLED_WRITE_BUFFERS of its chunk write buffers for reuse, each as large as the largest chunk
  // it wrote with it (up to 4 MB): 4 MB of heap after the load benchmark, against 1 MB on a fresh node. Taking them
  // out of the pool drops them; the next store allocates one of H2's default 1 MB. Through H2's own Java API (the
  // session behind the JDBC connection), which JDBC does not reach.
  private static void dropWriteBuffers(Connection c) throws SQLException {
    if (!(c.unwrap(JdbcConnection.class).getSession() instanceof SessionLocal session)) {
      return; // a client/server H2 URL: its buffers are in the server process
    }
    Store store = session.getDatabase().getStore();
    FileStore<?> files = store == null ? null : store.getMvStore().getFileStore();
    if (files == null) {
      return;
    }
    for (int i = 0; i < H2_POOLED_WRITE_BUFFERS; i++) {
      files.getWriteBuffer(); // a pooled buffer, or a new one once the pool is empty: either way not given back
    }
  }

  /** The pool, for tests and tools; stores go through {@link #tx()}. */
  public DataSource dataSource() {
    return pool;
  }

  @Override
  public void close() {
    tx.close();
    if (journal == null || !CommitJournal.release(journal)) {
      pool.close(); // another pool of this process still uses the database and its journal
      return;
    }
    try {
      // Everything stored and synced while no writer runs; the journal is then empty and a restart replays nothing.
      journal.betweenWrites(pool, journal::checkpoint);
    } catch (SQLException | IOException | RuntimeException e) {
      LOG.warn("could not checkpoint H2 at close ({}); the journal will be replayed at the next open", e.toString());
    } finally {
      pool.close();
      closeQuietly(journal, null);
    }
  }

  private static void closeQuietly(CommitJournal journal, Exception cause) {
    if (journal == null) {
      return;
    }
    try {
      journal.close();
    } catch (IOException e) {
      if (cause != null) {
        cause.addSuppressed(e);
      } else {
        LOG.warn("could not close the commit journal", e);
      }
    }
  }

  // Appends each required setting the URL does not set itself, so a user-supplied H2 URL still gets our dialect
  // and durability; an explicit setting in the URL wins.
  static String completeH2Url(String jdbcUrl, Map<String, String> storeSettings) {
    String upper = jdbcUrl.toUpperCase(Locale.ROOT);
    StringBuilder url = new StringBuilder(jdbcUrl);
    Map<String, String> settings = new LinkedHashMap<>(H2_SETTINGS);
    settings.putAll(storeSettings);
    for (Map.Entry<String, String> setting : settings.entrySet()) {
      if (!upper.contains(";" + setting.getKey() + "=")) {
        url.append(';').append(setting.getKey()).append('=').append(setting.getValue());
      }
    }
    return url.toString();
  }

  private static void migrate(DataSource dataSource, Dialect dialect) {
    Migrations.migrate(dataSource, "classpath:db/migration/common", "classpath:" + dialect.migrationFolder());
  }

  private static void warnIfFsyncOff(DataSource dataSource) throws SQLException {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SHOW fsync")) {
      if (rs.next() && !"on".equalsIgnoreCase(rs.getString(1))) {
        LOG.warn("PostgreSQL runs with fsync={}: commits can be lost if the database host crashes", rs.getString(1));
      }
    }
  }
}
