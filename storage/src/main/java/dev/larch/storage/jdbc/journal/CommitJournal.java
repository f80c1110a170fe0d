package dev.larch.storage.jdbc.journal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * H2's write-ahead journal: each committed write transaction's statements ({@link WriteLog}), appended to
 * {@code <database>.journal} with one {@code write} before the commit is acknowledged, so H2 itself can keep
 * committed pages in memory and store them in the background ({@code WRITE_DELAY}) instead of writing a new MVStore
 * chunk per commit (storage/README "Durability").
 *
 * <p>A killed process loses nothing acknowledged: at the next open {@link #recover} runs again, in order, every
 * record H2 had not stored yet. Which those are is in the database itself: each journaled transaction also sets
 * {@code commit_journal.applied_seq} to its record's number, so the value H2 reopens with says where its stored
 * state ends. H2 stores only when told: every second, if anything was written, a checkpoint
 * ({@code CHECKPOINT SYNC}) runs under the write lock, between transactions, and empties the journal.
 *
 * <p>Not thread-safe: {@link dev.larch.storage.jdbc.Tx} calls it under the lock that runs write transactions one at
 * a time, which is also what makes replay in record order rebuild exactly the committed rows. H2 shares one open
 * database among all the pools of a process that open its file, so they share its journal too ({@link #acquire}).
 */
public final class CommitJournal implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(CommitJournal.class);
  /** Journal size at which the next commit checkpoints H2 and empties it (bounds the replay after a crash). */
  static final long DEFAULT_CHECKPOINT_BYTES = 8L << 20;
  static final long DEFAULT_CHECKPOINT_INTERVAL_MS = 1_000;
  // A record buffer grown past this by a large transaction is dropped after it, not kept for the process' life.
  private static final int KEPT_BUFFER_BYTES = 1 << 20;

  // The journals open in this process, by file, with how many pools use each.
  private static final Map<Path, CommitJournal> OPEN = new HashMap<>();

  private final Path file;
  private final FileChannel channel;
  private final FileLock fileLock;
  private final long checkpointBytes;
  private final ReentrantLock writeLock = new ReentrantLock();
  private ByteBuffer buffer;
  private long size;
  private long nextSeq = -1;
  private IOException failure;
  private volatile boolean dirty; // appended since the last checkpoint
  private ScheduledExecutorService checkpoints;
  private int users;
  private JournalReplay.Result recovery; // null until recovered

  private CommitJournal(Path file, FileChannel channel, FileLock fileLock, long checkpointBytes) throws IOException {
    this.file = file;
    this.channel = channel;
    this.fileLock = fileLock;
    this.checkpointBytes = checkpointBytes;
    this.size = channel.size();
  }

  /**
   * The journal file of an embedded H2 file database URL ({@code jdbc:h2:file:/x/larch} or {@code jdbc:h2:/x/larch}
   * → {@code /x/larch.journal}); empty for in-memory and client/server URLs, which have no journal.
   */
  public static Optional<Path> fileFor(String h2Url) {
    String rest = h2Url.substring("jdbc:h2:".length());
    int options = rest.indexOf(';');
    String location = options < 0 ? rest : rest.substring(0, options);
    String lower = location.toLowerCase(Locale.ROOT);
    if (lower.startsWith("file:")) {
      location = location.substring("file:".length());
    } else if (lower.startsWith("mem:") || lower.startsWith("tcp:") || lower.startsWith("ssl:")
        || lower.startsWith("zip:") || location.indexOf(':') > 1) {
      return Optional.empty(); // in memory, remote, read-only or another file system: nothing for us to journal
    }
    if (location.startsWith("~")) {
      location = System.getProperty("user.home") + location.substring(1);
    }
    return Optional.of(Path.of(location + ".journal").toAbsolutePath().normalize());
  }

  /**
   * The journal of {@code file} for one more pool: opened (and locked against other processes) by the first,
   * shared with the rest; each {@link #release}s it.
   */
  public static synchronized CommitJournal acquire(Path file) throws IOException {
    CommitJournal journal = OPEN.get(file);
    if (journal == null) {
      journal = open(file);
      OPEN.put(file, journal);
    }
    journal.users++;
    return journal;
  }

  /** One pool is done with the journal; true if it was the last, which then checkpoints and {@link #close}s it. */
  public static synchronized boolean release(CommitJournal journal) {
    if (--journal.users > 0) {
      return false;
    }
    OPEN.remove(journal.file);
    return true;
  }

  /** Opens (creating) and locks the journal file; fails if another process has it open. */
  static CommitJournal open(Path file) throws IOException {
    long checkpointBytes = Long.getLong("larch.journal.checkpoint-bytes", DEFAULT_CHECKPOINT_BYTES);
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
        StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new IOException(file + " is in use by another process");
    }
    return new CommitJournal(file, channel, lock, checkpointBytes);
  }

  public Path file() {
    return file;
  }

  /** What the replay at open did (null before it ran). */
  public JournalReplay.Result recovery() {
    return recovery;
  }

  /** The lock that runs write transactions one at a time while the journal is on. */
  public ReentrantLock writeLock() {
    return writeLock;
  }

  /** Work on the journal and H2 that must see no write transaction in flight. */
  @FunctionalInterface
  public interface BetweenWrites {
    void run(Connection connection) throws SQLException, IOException;
  }

  /** Runs {@code work} on a connection of {@code pool} with the write lock held: between write transactions. */
  public void betweenWrites(DataSource pool, BetweenWrites work) throws SQLException, IOException {
    writeLock.lock();
    try (Connection c = pool.getConnection()) {
      work.run(c);
    } finally {
      writeLock.unlock();
    }
  }

  /**
   * Replays the records H2 has not stored (see {@link JournalReplay}), checkpoints and empties the journal. Runs at
   * open, before migrations, so records are replayed against the schema that wrote them.
   */
  public JournalReplay.Result recover(Connection connection) throws IOException, SQLException {
    if (recovery != null) {
      return recovery; // another pool of this process opened the database first
    }
    JournalReplay.Result result;
    try {
      result = JournalReplay.run(channel, connection);
    } catch (SQLException e) {
      throw new SQLException("could not replay " + file + " into the database (was the database file replaced"
          + " without its journal?)", e);
    }
    if (result.truncatedAt() >= 0) {
      channel.truncate(result.truncatedAt());
    }
    if (channel.size() > 0) {
      checkpoint(connection);
    }
    recovery = result;
    return result;
  }

  /**
   * After migrations: numbers the next records after the highest one H2 has applied, and starts the checkpoints
   * that store H2's pages every {@value #DEFAULT_CHECKPOINT_INTERVAL_MS} ms while anything is written (tests can
   * stretch or stop that with {@code larch.journal.checkpoint-interval-ms}, 0 for never).
   */
  public void start(Connection connection, DataSource pool) throws SQLException {
    if (nextSeq >= 0) {
      return; // another pool of this process started it
    }
    nextSeq = appliedSeq(connection) + 1;
    long interval = Long.getLong("larch.journal.checkpoint-interval-ms", DEFAULT_CHECKPOINT_INTERVAL_MS);
    if (interval <= 0) {
      return;
    }
    checkpoints = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread thread = new Thread(r, "larch-h2-checkpoint");
      thread.setDaemon(true);
      return thread;
    });
    checkpoints.scheduleWithFixedDelay(() -> checkpointIfDirty(pool), interval, interval, TimeUnit.MILLISECONDS);
  }

  private void checkpointIfDirty(DataSource pool) {
    if (!dirty || failure != null) {
      return;
    }
    try {
      betweenWrites(pool, this::checkpoint);
    } catch (SQLException | IOException | RuntimeException e) {
      LOG.warn("periodic H2 checkpoint failed (tried again next time): {}", e.toString());
    }
  }

  /**
   * Inside the committing transaction, just before its commit: takes the record's number and stores it as
   * {@code applied_seq}, so that H2's stored state says whether the record is in it.
   */
  public long markApplied(Connection connection) throws SQLException {
    if (failure != null) {
      throw new SQLException("the commit journal failed earlier; writes are refused until a restart", failure);
    }
    if (nextSeq < 0) {
      throw new IllegalStateException("journal not started");
    }
    long seq = nextSeq++;
    setApplied(connection, seq);
    return seq;
  }

  /**
   * After the commit: appends the record with one positional write; at the size limit, checkpoints and empties the
   * journal. If the write fails, H2 is checkpointed instead, which makes the commit durable just the same; if that
   * fails too, the journal refuses every later write transaction.
   */
  public void append(long seq, WriteLog log, Connection connection) throws SQLException {
    try {
      buffer = JournalCodec.encode(seq, log, buffer);
      long position = size;
      while (buffer.hasRemaining()) {
        position += channel.write(buffer, position);
      }
      size = position;
      dirty = true;
      if (buffer.capacity() > KEPT_BUFFER_BYTES) {
        buffer = null;
      }
    } catch (IOException e) {
      buffer = null;
      try {
        checkpoint(connection);
      } catch (IOException | SQLException checkpointFailure) {
        e.addSuppressed(checkpointFailure);
        failure = e;
        throw new SQLException("commit journal write failed and H2 could not be checkpointed", e);
      }
      return;
    }
    if (size >= checkpointBytes) {
      // The commit is durable already; a checkpoint that fails here is tried again after the next append. Nothing
      // may be thrown: after a commit, a retryable error would run the transaction a second time.
      try {
        checkpoint(connection);
      } catch (IOException | SQLException e) {
        LOG.warn("could not checkpoint H2 to empty the commit journal ({} bytes): {}", size, e.toString());
      }
    }
  }

  /** Has H2 store and sync everything committed, then empties the journal. */
  public void checkpoint(Connection connection) throws SQLException, IOException {
    try (Statement s = connection.createStatement()) {
      s.execute("CHECKPOINT SYNC");
    }
    channel.truncate(0);
    size = 0;
    dirty = false;
  }

  @Override
  public void close() throws IOException {
    if (checkpoints != null) {
      checkpoints.shutdownNow();
    }
    try {
      fileLock.release();
    } finally {
      channel.close();
    }
  }

  static long appliedSeq(Connection connection) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        "SELECT applied_seq FROM commit_journal WHERE singleton = 1");
        ResultSet rs = ps.executeQuery()) {
      if (!rs.next()) {
        throw new SQLException("commit_journal has no row");
      }
      return rs.getLong(1);
    }
  }

  static void setApplied(Connection connection, long seq) throws SQLException {
    try (PreparedStatement ps = connection.prepareStatement(
        "UPDATE commit_journal SET applied_seq = ? WHERE singleton = 1")) {
      ps.setLong(1, seq);
      ps.executeUpdate();
    }
  }
}
