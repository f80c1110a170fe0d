package dev.larch.core.federation.keys;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.crypto.SigningKey;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class P2pServerKeyTest {
  @Test
  void theKeyOfAP2pServerIsItsName() {
    SigningKey key = SigningKey.generate(new SecureRandom());
    String name = HexFormat.of().formatHex(key.publicKey());
    assertTrue(P2pServerKey.isP2pName(name));
    assertArrayEquals(key.publicKey(), P2pServerKey.keyOf(name, P2pServerKey.KEY_ID).orElseThrow().publicKey());
    assertTrue(P2pServerKey.keyOf(name, "ed25519:auto").isEmpty(), "P2P servers have only the one key ID");
  }

  @Test
  void otherNamesAreNotP2pNames() {
    assertFalse(P2pServerKey.isP2pName("example.org"));
    assertFalse(P2pServerKey.isP2pName("A".repeat(64)), "upper case is another name");
    assertFalse(P2pServerKey.isP2pName("a".repeat(63)));
    assertTrue(P2pServerKey.keyOf("example.org", P2pServerKey.KEY_ID).isEmpty());
  }
}
