package dev.larch.storage.jdbc;

import dev.larch.storage.jdbc.journal.CommitJournal;
import dev.larch.storage.jdbc.journal.RecordingConnection;
import dev.larch.storage.jdbc.journal.WriteLog;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs JDBC work in one transaction, retrying it when the database says a retry may succeed (deadlock,
 * serialization failure, lock timeout): the only place in Larch that commits, rolls back or retries.
 *
 * <p>Every store method is one call here. Work may run several times, so it must be a pure function of the database
 * plus its inputs; anything outside the database that depends on the outcome happens after this returns.
 *
 * <p>With a {@link CommitJournal} (an H2 file database), write transactions run one at a time, each recorded and
 * appended to the journal after its commit; that append, not an H2 store, is what makes the commit durable. They
 * share one connection, kept for them: an H2 session walks every query it has cached the first time a transaction
 * changes a table, and the pool's sessions cache the readers' queries too (~9 % of a single send's persist).
 */
public final class Tx implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Tx.class);
  private static final int MAX_ATTEMPTS = 8;

  private final DataSource dataSource;
  private final Dialect dialect;
  private final CommitJournal journal; // null: the database's own commit is durable
  private final WriterConnections writers; // null without a journal
  private Connection writer; // journaled writes' own connection, guarded by the journal's write lock

  /** Opens the connection journaled writes keep: outside the pool, so readers and checkpoints never wait for it. */
  interface WriterConnections {
    Connection open() throws SQLException;
  }

  Tx(DataSource dataSource, Dialect dialect, CommitJournal journal, WriterConnections writers) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.journal = journal;
    this.writers = writers;
  }

  /** Runs {@code work} in a read-write transaction and commits it; a commit that returned is durable. */
  public <T> T inTransaction(SqlWork<T> work) {
    if (journal == null) {
      return run(work, false);
    }
    // Taken before a connection is, so writers queued here do not hold pooled connections readers need.
    ReentrantLock writeLock = journal.writeLock();
    writeLock.lock();
    try {
      return retrying(() -> {
        Connection connection = writer();
        try {
          return commitJournaled(connection, work);
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(connection, e);
          dropWriterIfBroken();
          throw e;
        }
      });
    } finally {
      writeLock.unlock();
    }
  }

  /** Gives back the journaled writes' connection (the database is closing). */
  @Override
  public void close() {
    if (journal == null) {
      return;
    }
    ReentrantLock writeLock = journal.writeLock();
    writeLock.lock();
    try {
      closeWriter();
    } finally {
      writeLock.unlock();
    }
  }

  private Connection writer() throws SQLException {
    if (writer == null) {
      Connection connection = writers.open();
      connection.setAutoCommit(false);
      writer = connection;
    }
    return writer;
  }

  private void dropWriterIfBroken() {
    try {
      if (writer != null && !writer.isValid(1)) {
        closeWriter();
      }
    } catch (SQLException e) {
      closeWriter();
    }
  }

  private void closeWriter() {
    if (writer != null) {
      try {
        writer.close();
      } catch (SQLException e) {
        LOG.debug("closing the writer connection failed: {}", e.toString());
      }
      writer = null;
    }
  }

  /** Runs {@code work} in a read-only transaction, so multi-statement reads see one consistent state. */
  public <T> T read(SqlWork<T> work) {
    return run(work, true);
  }

  private <T> T run(SqlWork<T> work, boolean readOnly) {
    return retrying(() -> {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        connection.setReadOnly(readOnly);
        try {
          return commit(connection, work);
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(connection, e);
          throw e;
        }
        // HikariCP resets auto-commit and read-only when the connection goes back to the pool.
      }
    });
  }

  /** One try of a transaction. */
  private interface Attempt<T> {
    T run() throws SQLException;
  }

  private <T> T retrying(Attempt<T> transaction) {
    for (int attempt = 1; ; attempt++) {
      try {
        return transaction.run();
      } catch (SQLException e) {
        if (attempt < MAX_ATTEMPTS && dialect.isRetryable(e)) {
          LOG.debug("retrying transaction attempt={} sqlstate={}", attempt, e.getSQLState());
          // Randomised, growing back-off so two deadlocked writers do not collide again in lockstep.
          long maxNanos = 1_000_000L << Math.min(attempt, 6);
          LockSupport.parkNanos(ThreadLocalRandom.current().nextLong(maxNanos / 2, maxNanos));
          continue;
        }
        throw new StorageException("database operation failed", e);
      }
    }
  }

  private static <T> T commit(Connection connection, SqlWork<T> work) throws SQLException {
    T result = work.run(connection);
    connection.commit();
    return result;
  }

  private <T> T commitJournaled(Connection connection, SqlWork<T> work) throws SQLException {
    WriteLog log = new WriteLog();
    T result = work.run(RecordingConnection.wrap(connection, log));
    if (log.isEmpty()) {
      connection.commit();
      return result;
    }
    long seq = journal.markApplied(connection);
    connection.commit();
    journal.append(seq, log, connection);
    return result;
  }

  private static void rollbackQuietly(Connection connection, Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
    }
  }
}
