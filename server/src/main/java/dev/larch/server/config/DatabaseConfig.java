package dev.larch.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.List;

/**
 * The database: YAML section {@code database}.
 *
 * @param url JDBC URL (key {@code database.url}); {@code null} means an H2 file database in the data dir
 */
public record DatabaseConfig(@JsonProperty("url") String url) {

  /** The defaults: an H2 file in the data dir, so a laptop needs no database server. */
  public static DatabaseConfig defaults() {
    return new DatabaseConfig(null);
  }

  /** The JDBC URL to connect to: {@link #url()}, or {@code jdbc:h2:file:<dataDir>/larch} when it is unset. */
  public String jdbcUrl(Path dataDir) {
    return url != null ? url : "jdbc:h2:file:" + dataDir.toAbsolutePath().normalize().resolve("larch");
  }

  List<ConfigProblem> validate() {
    // The value itself is never quoted back: a PostgreSQL URL may carry a password.
    if (url == null) {
      return List.of();
    }
    if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
      return List.of(new ConfigProblem("database.url",
          "must be a jdbc:h2: or jdbc:postgresql: URL (leave it out for the built-in H2 database)"));
    }
    return List.of();
  }
}
