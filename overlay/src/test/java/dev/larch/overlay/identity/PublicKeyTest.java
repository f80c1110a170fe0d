package dev.larch.overlay.identity;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.overlay.Vectors;
import org.junit.jupiter.api.Test;

class PublicKeyTest {
  private final PublicKey a = Vectors.key("A").publicKey();
  private final PublicKey b = Vectors.key("B").publicKey();
  private final PublicKey c = Vectors.key("C").publicKey();

  @Test
  void seeds_deriveTheSection14PublicKeys() {
    for (String name : new String[] {"A", "B", "C"}) {
      assertArrayEquals(Vectors.hex("keys.txt", "public." + name), Vectors.key(name).publicKey().toBytes(), name);
    }
  }

  @Test
  void ordering_isUnsignedBigEndian_bLessThanALessThanC() {
    assertTrue(b.lessThan(a));
    assertFalse(a.lessThan(b));
    assertTrue(a.lessThan(c));
    assertTrue(c.lessThan(PublicKey.FULL_MASK));
    assertTrue(PublicKey.dhtOrdered(b, a, c));
    assertFalse(PublicKey.dhtOrdered(c, a, b)); // no wrap-around
    assertFalse(PublicKey.dhtOrdered(a, a, c)); // strict
  }

  @Test
  void verify_rejectsForgedAndMalformedSignatures() {
    NodeKey key = Vectors.key("A");
    byte[] message = {1, 2, 3};
    byte[] signature = key.sign(message);
    assertTrue(a.verify(message, signature));
    assertFalse(b.verify(message, signature));
    signature[0] ^= 1;
    assertFalse(a.verify(message, signature));
    assertFalse(a.verify(message, new byte[63]));
    assertFalse(PublicKey.FULL_MASK.verify(message, new byte[64]));
  }

  @Test
  void hex_roundTrips() {
    assertEquals(a, PublicKey.parse(a.hex()));
    assertEquals("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", a.toString());
  }
}
