package dev.larch.storage.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs JDBC work in one transaction, retrying it when the database says a retry may succeed (deadlock,
 * serialization failure, lock timeout): the only place in Larch that commits, rolls back or retries.
 *
 * <p>Every store method is one call here. Work may run several times, so it must be a pure function of the database
 * plus its inputs; anything outside the database that depends on the outcome happens after this returns.
 */
public final class Tx {
  private static final Logger LOG = LoggerFactory.getLogger(Tx.class);
  private static final int MAX_ATTEMPTS = 8;

  private final DataSource dataSource;
  private final Dialect dialect;

  Tx(DataSource dataSource, Dialect dialect) {
    this.dataSource = dataSource;
    this.dialect = dialect;
  }

  /** Runs {@code work} in a read-write transaction and commits it; a commit that returned is durable. */
  public <T> T inTransaction(SqlWork<T> work) {
    return run(work, false);
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
          T result = work.run(connection);
          connection.commit();
          return result;
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

  private static void rollbackQuietly(Connection connection, Exception cause) {
    try {
      connection.rollback();
    } catch (SQLException rollbackFailure) {
      cause.addSuppressed(rollbackFailure);
    }
  }
}
