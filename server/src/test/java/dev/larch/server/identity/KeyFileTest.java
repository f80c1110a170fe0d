package dev.larch.server.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class KeyFileTest {
  @TempDir Path dir;

  private final SecureRandom random = new SecureRandom();

  @Test
  void loadOrCreate_firstStart_createsOwnerOnlyKeyFile() throws Exception {
    Path dataDir = dir.resolve("data");
    KeyFile created = KeyFile.loadOrCreate(dataDir, random);

    assertTrue(created.created());
    Path file = dataDir.resolve(KeyFile.FILE_NAME);
    assertEquals(file, created.path());
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
    assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dataDir)));
    assertTrue(created.version().matches("a_[A-Za-z0-9]{4}"), created.version());
    String expected =
        "ed25519 " + created.version() + " "
            + Base64.getEncoder().withoutPadding().encodeToString(created.key().seed()) + "\n";
    assertEquals(expected, Files.readString(file));
    try (Stream<Path> files = Files.list(dataDir)) {
      assertEquals(1, files.count(), "no temporary file left behind");
    }
  }

  @Test
  void loadOrCreate_secondStart_reusesKey() throws Exception {
    KeyFile first = KeyFile.loadOrCreate(dir, random);
    KeyFile second = KeyFile.loadOrCreate(dir, random);

    assertFalse(second.created());
    assertEquals(first.key(), second.key());
    assertEquals(first.version(), second.version());
  }

  @Test
  void loadOrCreate_synapseStyleFile_isRead() throws Exception {
    byte[] seed = new byte[32];
    seed[0] = 7;
    Files.writeString(
        dir.resolve(KeyFile.FILE_NAME),
        "ed25519 a_AbCd " + Base64.getEncoder().withoutPadding().encodeToString(seed) + "\n");
    KeyFile file = KeyFile.loadOrCreate(dir, random);
    assertEquals("a_AbCd", file.version());
    assertArrayEquals(seed, file.key().seed());
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "garbage",
        "ed25519 a_AbCd",
        "ed25519 a_AbCd !!!notbase64!!!",
        "ed25519 a_AbCd AAAA",
        "rsa a_AbCd AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "ed25519 a-b AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "ed25519 a_AbCd AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\ned25519 a_Efgh AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
      })
  void loadOrCreate_corruptFile_isRefusedAndKept(String contents) throws IOException {
    Path file = Files.writeString(dir.resolve(KeyFile.FILE_NAME), contents);

    IdentityException e = assertThrows(IdentityException.class, () -> KeyFile.loadOrCreate(dir, random));

    assertTrue(e.getMessage().startsWith("key file " + file + " is not a valid signing key"), e.getMessage());
    assertTrue(e.getMessage().contains("will not replace it"), e.getMessage());
    assertEquals(contents, Files.readString(file), "the corrupt file is left untouched");
  }

  @Test
  void loadOrCreate_dataDirIsAFile_isRefused() throws IOException {
    Path notADir = Files.writeString(dir.resolve("data"), "x");
    IdentityException e = assertThrows(IdentityException.class, () -> KeyFile.loadOrCreate(notADir, random));
    assertTrue(e.getMessage().startsWith("data_dir " + notADir + " exists but is not a directory"));
  }

  @Test
  void of_withoutServerName_isP2pNamedByPublicKey() throws Exception {
    KeyFile keyFile = KeyFile.loadOrCreate(dir, random);
    NodeIdentity identity = NodeIdentity.of(keyFile, Optional.empty());

    assertEquals(Mode.P2P, identity.mode());
    assertEquals(HexFormat.of().formatHex(keyFile.key().publicKey()), identity.serverName());
    assertTrue(identity.serverName().matches("[0-9a-f]{64}"));
    assertEquals("ed25519:dendrite-demo-yggdrasil", identity.keyId());
  }

  @Test
  void of_withServerName_isClassicWithPersistedKeyId() throws Exception {
    KeyFile keyFile = KeyFile.loadOrCreate(dir, random);
    NodeIdentity identity = NodeIdentity.of(keyFile, Optional.of("example.org"));

    assertEquals(Mode.CLASSIC, identity.mode());
    assertEquals("example.org", identity.serverName());
    assertEquals("ed25519:" + keyFile.version(), identity.keyId());
    assertEquals(identity.keyId(), NodeIdentity.of(KeyFile.loadOrCreate(dir, random), Optional.of("x")).keyId());
  }
}
