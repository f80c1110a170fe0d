package dev.larch.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The database: YAML section {@code database}.
 *
 * @param url JDBC URL (key {@code database.url}); {@code null} means an H2 file database in the data dir
 * @param poolSize the most connections open at once; also the number of client API workers (key
 *     {@code database.pool_size})
 */
public record DatabaseConfig(@JsonProperty("url") String url, @JsonProperty("pool_size") String poolSize) {

  /** The defaults: an H2 file in the data dir, so a laptop needs no database server; 10 connections. */
  public static DatabaseConfig defaults() {
    return new DatabaseConfig(null, "10");
  }

  /** The JDBC URL to connect to: {@link #url()}, or {@code jdbc:h2:file:<dataDir>/larch} when it is unset. */
  public String jdbcUrl(Path dataDir) {
    return url != null ? url : "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("larch");
  }

  /** The pool size; validated config only. */
  public int poolSizeValue() {
    return Integer.parseInt(poolSize.strip());
  }

  List<ConfigProblem> validate() {
    List<ConfigProblem> problems = new ArrayList<>();
    // The value itself is never quoted back: a PostgreSQL URL may carry a password.
    if (url != null && !url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
      problems.add(new ConfigProblem("database.url",
          "must be a jdbc:h2: or jdbc:postgresql: URL (leave it out for the built-in H2 database)"));
    }
    // At least 2: migrating the database at open takes two connections at once (Flyway), and one would wait forever.
    ConfigValues.add(problems, ConfigValues.intProblem("database.pool_size", poolSize, 2, 500));
    return problems;
  }
}
