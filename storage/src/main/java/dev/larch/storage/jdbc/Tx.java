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
 * appended to the journal after its commit; that append, not an H2 store, is what makes the commit durable.
 */
public final class Tx {
  private static final Logger LOG = LoggerFactory.getLogger(Tx.class);
  private static final int MAX_ATTEMPTS = 8;

  private final DataSource dataSource;
  private final Dialect dialect;
  private final CommitJournal journal; // null: the database's own commit is durable

  Tx(DataSource dataSource, Dialect dialect, CommitJournal journal) {
    this.dataSource = dataSource;
    this.dialect = dialect;
    this.journal = journal;
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
      return run(work, false);
    } finally {
      writeLock.unlock();
    }
  }

  /** Runs {@code work} in a read-only transaction, so multi-statement reads see one consistent state. */
  public <T> T read(SqlWork<T> work) {
    return run(work, true);
  }

  private <T> T run(SqlWork<T> work, boolean readOnly) {
    for (int attempt = 1; ; attempt++) {
      try (Connection connection = dataSource.getConnection()) {
        connection.setAutoCommit(false);
        connection.setReadOnly(readOnly);
        try {
          return readOnly || journal == null ? commit(connection, work) : commitJournaled(connection, work);
        } catch (SQLException | RuntimeException e) {
          rollbackQuietly(connection, e);
          throw e;
        }
        // HikariCP resets auto-commit and read-only when the connection goes back to the pool.
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
