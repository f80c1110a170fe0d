package dev.larch.bench.storage;

import dev.larch.storage.jdbc.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** A fresh H2 file database in a temporary directory, for one benchmark iteration; closing it deletes it. */
public final class ScratchDatabase implements AutoCloseable {
  private final Path dir;
  private final Database database;

  private ScratchDatabase(Path dir, Database database) {
    this.dir = dir;
    this.database = database;
  }

  /**
   * Opens one with the production H2 settings, plus {@code extraSettings} (e.g. {@code ";PAGE_SIZE=1024"}, or empty).
   */
  public static ScratchDatabase open(String prefix, String extraSettings) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    return new ScratchDatabase(dir, Database.open(Database.h2FileUrl(dir) + extraSettings, 8));
  }

  public Database database() {
    return database;
  }

  @Override
  public void close() throws IOException {
    database.close();
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> {
        try {
          Files.delete(p);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
