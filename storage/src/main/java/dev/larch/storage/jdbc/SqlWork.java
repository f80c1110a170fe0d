package dev.larch.storage.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of JDBC work run by {@link Tx}; it may run more than once, so it must not keep effects outside the database. */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Connection connection) throws SQLException;
}
