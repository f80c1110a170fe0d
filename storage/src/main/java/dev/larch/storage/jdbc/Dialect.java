package dev.larch.storage.jdbc;

import java.sql.SQLException;
import java.util.List;
import java.util.Locale;

/**
 * The few places where H2 (in {@code MODE=PostgreSQL}) and PostgreSQL need different SQL or behave differently.
 * Everything else is written once. Each method is covered by the dialect contract test on both databases.
 */
public enum Dialect {
  H2("h2"),
  POSTGRESQL("postgresql");

  private final String migrationFolder;

  Dialect(String migrationFolder) {
    this.migrationFolder = migrationFolder;
  }

  /** The dialect of a JDBC URL: {@code jdbc:h2:...} or {@code jdbc:postgresql:...}. */
  public static Dialect fromUrl(String jdbcUrl) {
    String url = jdbcUrl.toLowerCase(Locale.ROOT);
    if (url.startsWith("jdbc:h2:")) {
      return H2;
    }
    if (url.startsWith("jdbc:postgresql:")) {
      return POSTGRESQL;
    }
    throw new IllegalArgumentException("unsupported JDBC URL, expected jdbc:h2: or jdbc:postgresql:");
  }

  /** The vendor folder Flyway reads after {@code db/migration/common}. */
  public String migrationFolder() {
    return "db/migration/" + migrationFolder;
  }

  /**
   * An insert-or-replace of one row by key, with one {@code ?} per column in {@code keys} then {@code values}
   * order. H2 has no {@code ON CONFLICT DO UPDATE}; PostgreSQL has no {@code MERGE ... KEY}.
   */
  public String upsert(String table, List<String> keys, List<String> values) {
    StringBuilder columns = new StringBuilder(String.join(", ", keys));
    for (String value : values) {
      columns.append(", ").append(value);
    }
    String params = "?" + ", ?".repeat(keys.size() + values.size() - 1);
    if (this == H2) {
      return "MERGE INTO " + table + " (" + columns + ") KEY (" + String.join(", ", keys) + ") VALUES (" + params
          + ")";
    }
    StringBuilder sql = new StringBuilder("INSERT INTO ")
        .append(table).append(" (").append(columns).append(") VALUES (").append(params)
        .append(") ON CONFLICT (").append(String.join(", ", keys)).append(") DO ");
    if (values.isEmpty()) {
      return sql.append("NOTHING").toString();
    }
    sql.append("UPDATE SET ");
    for (int i = 0; i < values.size(); i++) {
      sql.append(i == 0 ? "" : ", ").append(values.get(i)).append(" = EXCLUDED.").append(values.get(i));
    }
    return sql.toString();
  }

  /**
   * Whether a failed transaction may simply be run again: a serialization failure or deadlock (SQLSTATE 40001,
   * 40P01 on PostgreSQL), or on H2 a lock timeout (HYT00) or concurrent update (error 90131).
   */
  public boolean isRetryable(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql) {
        String state = sql.getSQLState();
        if ("40001".equals(state) || "40P01".equals(state)) {
          return true;
        }
        if (this == H2 && ("HYT00".equals(state) || sql.getErrorCode() == 90131)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Whether the failure is a unique or primary key violation (SQLSTATE 23505 on both). */
  public boolean isUniqueViolation(SQLException e) {
    return "23505".equals(e.getSQLState());
  }
}
