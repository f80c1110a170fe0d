package dev.larch.core.media;

import java.io.IOException;
import java.nio.file.Path;

/**
 * The storage port of media bytes: files named by their SHA-256, so equal content is stored once. A file is
 * complete and durable (written to a temporary file, fsynced, atomically moved) before {@link #commit} returns, so
 * a database row that names it never points at half a file.
 *
 * <p>Spec: client-server API v1.11, "Content repository". Blocking: call from worker threads only.
 */
public interface ContentStore {
  /** A new, empty temporary file on the store's file system, for an upload body to be written into. */
  Path newTempFile() throws IOException;

  /**
   * Hashes {@code tempFile}, forces it to disk and moves it into place under its hash (or deletes it when that
   * content is stored already). The temporary file is gone afterwards either way.
   */
  StoredContent commit(Path tempFile) throws IOException;

  /** Stores {@code bytes} (a generated thumbnail) like {@link #commit}. */
  StoredContent store(byte[] bytes) throws IOException;

  /** The file holding the content of {@code sha256}; it may be missing if someone deleted it. */
  Path path(String sha256);
}
