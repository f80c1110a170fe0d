package dev.larch.storage.media;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.media.StoredContent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Content-addressed files: hashing, dedupe, atomic placement, clean-up of unfinished uploads. */
class FileContentStoreTest {
  // SHA-256 of "hello"
  private static final String HELLO = "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824";

  @TempDir Path dir;

  @Test
  void commit_movesTheFileUnderItsHash_andDedupes() throws Exception {
    FileContentStore store = new FileContentStore(dir);
    Path temp = store.newTempFile();
    Files.writeString(temp, "hello");
    assertEquals(new StoredContent(HELLO, 5), store.commit(temp));
    assertFalse(Files.exists(temp));
    Path file = store.path(HELLO);
    assertEquals(dir.resolve("content/2c/f2/" + HELLO), file);
    assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), Files.readAllBytes(file));

    assertEquals(new StoredContent(HELLO, 5), store.store("hello".getBytes(StandardCharsets.UTF_8)));
    try (var files = Files.list(store.tempDirectory())) {
      assertEquals(0, files.count());
    }
  }

  @Test
  void open_removesLeftoverTemporaryFiles_andCreatesNothingUntilUsed() throws Exception {
    FileContentStore store = new FileContentStore(dir.resolve("media"));
    assertFalse(Files.exists(dir.resolve("media")));
    Path leftover = store.newTempFile();
    Files.writeString(leftover, "half an upload");
    new FileContentStore(dir.resolve("media"));
    assertFalse(Files.exists(leftover));
  }

  @Test
  void path_acceptsOnlyHexDigests() throws Exception {
    FileContentStore store = new FileContentStore(dir);
    assertThrows(IllegalArgumentException.class, () -> store.path("../../etc/passwd"));
    assertThrows(IllegalArgumentException.class, () -> store.path(HELLO.toUpperCase()));
    assertThrows(IllegalArgumentException.class, () -> store.commit(dir.resolve("elsewhere")));
    assertTrue(store.path(HELLO).startsWith(store.contentDirectory()));
  }
}
