package dev.larch.storage.media;

import dev.larch.core.media.ContentStore;
import dev.larch.core.media.StoredContent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ContentStore} on the local file system, under {@code <data_dir>/media}:
 *
 * <pre>
 * media/tmp/upload-*.part           bodies being received; emptied at start (left over from a crash)
 * media/content/ab/cd/abcd…(64 hex) complete content, named by its SHA-256
 * </pre>
 *
 * <p>A commit hashes the temporary file, forces it to disk, renames it atomically into place and forces the
 * directory, so after a crash a content file is either complete or absent. Equal content is stored once. Names are
 * only ever made from hex digests, never from anything a client sent, so no request can reach another path.
 */
public final class FileContentStore implements ContentStore {
  private static final Logger log = LoggerFactory.getLogger(FileContentStore.class);
  private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

  private final Path content;
  private final Path tmp;

  /**
   * The store under {@code mediaDir}; leftover temporary files are deleted. Directories are created with the first
   * file, so a node that never stores media has none.
   */
  public FileContentStore(Path mediaDir) {
    this.content = mediaDir.resolve("content");
    this.tmp = mediaDir.resolve("tmp");
    if (!Files.isDirectory(tmp)) {
      return;
    }
    try {
      int removed = 0;
      try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(tmp)) {
        for (Path leftover : leftovers) {
          Files.deleteIfExists(leftover);
          removed++;
        }
      }
      if (removed > 0) {
        log.info("removed unfinished uploads count={}", removed);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot open the media directory " + mediaDir, e);
    }
  }

  @Override
  public Path newTempFile() throws IOException {
    Files.createDirectories(tmp);
    return Files.createTempFile(tmp, "upload-", ".part");
  }

  @Override
  public StoredContent commit(Path tempFile) throws IOException {
    if (!tempFile.toAbsolutePath().normalize().startsWith(tmp.toAbsolutePath().normalize())) {
      throw new IllegalArgumentException("not a temporary file of this store");
    }
    MessageDigest digest = sha256();
    long length = 0;
    try (FileChannel channel = FileChannel.open(tempFile, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
      int read;
      while ((read = channel.read(buffer)) >= 0) {
        buffer.flip();
        digest.update(buffer);
        buffer.clear();
        length += read;
      }
      channel.force(true);
    } catch (IOException e) {
      Files.deleteIfExists(tempFile);
      throw e;
    }
    String sha256 = HexFormat.of().formatHex(digest.digest());
    Path target = path(sha256);
    if (Files.isRegularFile(target) && Files.size(target) == length) {
      Files.delete(tempFile); // stored already
      return new StoredContent(sha256, length);
    }
    Files.createDirectories(target.getParent());
    Files.move(tempFile, target, StandardCopyOption.ATOMIC_MOVE);
    forceDirectory(target.getParent());
    return new StoredContent(sha256, length);
  }

  @Override
  public StoredContent store(byte[] bytes) throws IOException {
    Path temp = newTempFile();
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
      }
      return commit(temp);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public Path path(String sha256) {
    if (sha256 == null || !SHA256_HEX.matcher(sha256).matches()) {
      throw new IllegalArgumentException("not a lowercase hex SHA-256");
    }
    return content.resolve(sha256.substring(0, 2)).resolve(sha256.substring(2, 4)).resolve(sha256);
  }

  /** The directory of temporary files (tests check it is left empty). */
  public Path tempDirectory() {
    return tmp;
  }

  /** The root of complete content files (tests count them). */
  public Path contentDirectory() {
    return content;
  }

  private static void forceDirectory(Path dir) {
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException e) {
      // Not every platform can open a directory (Windows); the rename itself is still atomic there.
      log.debug("cannot fsync directory dir={}", dir, e);
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }
}
