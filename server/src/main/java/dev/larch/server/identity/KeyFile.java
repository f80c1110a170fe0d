package dev.larch.server.identity;

import dev.larch.core.crypto.SigningKey;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Set;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's signing key file, {@code <data dir>/signing.key}: created on first start, read on every start after.
 *
 * <p>Format, the same as Synapse's signing key file so keys can move between the two: one line of three fields
 * separated by a space,
 *
 * <pre>ed25519 &lt;key version&gt; &lt;seed&gt;</pre>
 *
 * where the key version is {@code a_} plus 4 random letters or digits (the classic-mode key ID is {@code ed25519:}
 * plus it) and the seed is the 32-byte ed25519 seed (RFC 8032 secret key) in unpadded standard base64.
 *
 * <p>Implementation notes: a new key is written to a temporary file created with mode 0600 from the start (never
 * chmod-ed afterwards, so the secret is never readable by others even briefly), synced, then atomically renamed into
 * place, so a crash leaves either no key file or a whole one. A key file that cannot be parsed is refused, never
 * replaced: it is the node's identity.
 */
public final class KeyFile {
  /** The key file's name inside the data dir. */
  public static final String FILE_NAME = "signing.key";

  private static final Logger log = LoggerFactory.getLogger(KeyFile.class);
  private static final String ALGORITHM = "ed25519";
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9_]{1,64}");
  private static final String VERSION_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");
  private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
  // Anything longer than one line of a few dozen bytes is not a key file.
  private static final long MAX_SIZE = 1024;

  private final Path path;
  private final String version;
  private final SigningKey key;
  private final boolean created;

  private KeyFile(Path path, String version, SigningKey key, boolean created) {
    this.path = path;
    this.version = version;
    this.key = key;
    this.created = created;
  }

  /**
   * Reads the key file in {@code dataDir}, or creates the data dir and a new key when there is none.
   *
   * @throws IdentityException when the data dir is unusable or the key file exists but is not a valid key
   */
  public static KeyFile loadOrCreate(Path dataDir, SecureRandom random) throws IdentityException {
    Path file = dataDir.resolve(FILE_NAME);
    prepareDataDir(dataDir);
    if (Files.exists(file)) {
      return load(file);
    }
    return create(file, random);
  }

  /** Where the key lives. */
  public Path path() {
    return path;
  }

  /** The key version, e.g. {@code a_x3Fq}; {@code ed25519:} plus it is the classic-mode key ID. */
  public String version() {
    return version;
  }

  /** The signing key. */
  public SigningKey key() {
    return key;
  }

  /** Whether this start created the key (the node is new). */
  public boolean created() {
    return created;
  }

  private static void prepareDataDir(Path dataDir) throws IdentityException {
    if (Files.isDirectory(dataDir)) {
      return;
    }
    if (Files.exists(dataDir)) {
      throw new IdentityException("data_dir " + dataDir + " exists but is not a directory");
    }
    try {
      if (posix()) {
        Files.createDirectories(dataDir, PosixFilePermissions.asFileAttribute(OWNER_ONLY_DIR));
      } else {
        Files.createDirectories(dataDir);
      }
    } catch (IOException e) {
      throw new IdentityException("cannot create data_dir " + dataDir + ": " + describe(e));
    }
  }

  private static KeyFile load(Path file) throws IdentityException {
    String text;
    try {
      if (Files.size(file) > MAX_SIZE) {
        throw corrupt(file, "it is too large");
      }
      text = Files.readString(file, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IdentityException("cannot read key file " + file + ": " + describe(e));
    }
    String[] fields = text.strip().split("[ \\t]+");
    if (fields.length != 3 || text.strip().lines().count() != 1) {
      throw corrupt(file, "it is not one line of three fields");
    }
    if (!fields[0].equals(ALGORITHM)) {
      throw corrupt(file, "the algorithm is not ed25519");
    }
    if (!VERSION.matcher(fields[1]).matches()) {
      throw corrupt(file, "the key version is not letters, digits and _");
    }
    byte[] seed;
    try {
      seed = Base64.getDecoder().decode(fields[2]);
    } catch (IllegalArgumentException e) {
      throw corrupt(file, "the seed is not base64");
    }
    if (seed.length != SigningKey.SEED_LENGTH) {
      throw corrupt(file, "the seed is not 32 bytes");
    }
    warnIfShared(file);
    return new KeyFile(file, fields[1], SigningKey.fromSeed(seed), false);
  }

  private static KeyFile create(Path file, SecureRandom random) throws IdentityException {
    SigningKey key = SigningKey.generate(random);
    String version = "a_" + randomChars(random, 4);
    String line =
        ALGORITHM + " " + version + " " + Base64.getEncoder().withoutPadding().encodeToString(key.seed()) + "\n";
    Path temp = file.resolveSibling("." + FILE_NAME + "." + randomChars(random, 8) + ".tmp");
    try {
      FileAttribute<?>[] attributes =
          posix() ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(OWNER_ONLY)} : new FileAttribute<?>[0];
      Files.createFile(temp, attributes);
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
        channel.force(true);
      }
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
      syncDirectory(file.getParent());
    } catch (IOException e) {
      throw new IdentityException("cannot write key file " + file + ": " + describe(e));
    } finally {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException e) {
        log.warn("could not remove temporary key file path={}", temp);
      }
    }
    if (!posix()) {
      log.warn("file system has no POSIX permissions; protect the key file yourself path={}", file);
    }
    log.info("created signing key path={} version={}", file, version);
    return new KeyFile(file, version, key, true);
  }

  private static IdentityException corrupt(Path file, String why) {
    return new IdentityException(
        "key file " + file + " is not a valid signing key (" + why + "; expected one line \"ed25519 <version>"
            + " <base64 seed>\"). It is this node's identity, so Larch will not replace it: restore it from a"
            + " backup, or move it away to start as a new node.");
  }

  private static void warnIfShared(Path file) {
    if (!posix()) {
      return;
    }
    try {
      Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
      if (!OWNER_ONLY.containsAll(perms)) {
        log.warn("key file is readable by other users; run chmod 600 on it path={} mode={}", file,
            PosixFilePermissions.toString(perms));
      }
    } catch (IOException e) {
      log.warn("cannot check key file permissions path={}", file);
    }
  }

  private static void syncDirectory(Path dir) {
    // Makes the rename durable on Linux; some platforms cannot open a directory, and then the rename is still atomic.
    try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
      channel.force(true);
    } catch (IOException | UnsupportedOperationException e) {
      log.debug("cannot sync directory path={}", dir);
    }
  }

  private static String randomChars(SecureRandom random, int count) {
    StringBuilder sb = new StringBuilder(count);
    for (int i = 0; i < count; i++) {
      sb.append(VERSION_CHARS.charAt(random.nextInt(VERSION_CHARS.length())));
    }
    return sb.toString();
  }

  private static boolean posix() {
    return FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  }

  private static String describe(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof FileAlreadyExistsException) {
      return "a file of that name already exists";
    }
    return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
  }
}
