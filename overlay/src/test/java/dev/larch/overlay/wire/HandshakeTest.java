package dev.larch.overlay.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.Vectors;
import org.junit.jupiter.api.Test;

class HandshakeTest {
  @Test
  void build_matchesSection142ForA_B_AndTheLiveGoNodeC() {
    for (String name : new String[] {"A", "B", "C"}) {
      byte[] expected = Vectors.hex("handshakes.txt", name);
      assertArrayEquals(expected, Handshake.build(Vectors.key(name)), name);
      assertEquals(Vectors.key(name).publicKey(), Handshake.verify(expected), name);
    }
  }

  @Test
  void verify_rejectsWrongVersion() {
    byte[] h = Vectors.hex("handshakes.txt", "A");
    h[0] = 2;
    assertEquals("mismatched node version", assertThrows(BadPeerException.class, () -> Handshake.verify(h)).getMessage());
  }

  @Test
  void verify_rejectsAnyOtherCapabilityWord_evenASubset() {
    byte[] h = Vectors.hex("handshakes.txt", "A");
    h[7] = 0x1B; // v0.9.0's word
    assertEquals("mismatched node capabilities",
        assertThrows(BadPeerException.class, () -> Handshake.verify(h)).getMessage());
  }

  @Test
  void verify_rejectsABadSignatureAndASwappedKey() {
    byte[] h = Vectors.hex("handshakes.txt", "A");
    h[103] ^= 1;
    assertEquals("peer sent invalid signature",
        assertThrows(BadPeerException.class, () -> Handshake.verify(h)).getMessage());
    byte[] swapped = Vectors.hex("handshakes.txt", "A");
    Vectors.key("B").publicKey().writeTo(swapped, 8);
    assertThrows(BadPeerException.class, () -> Handshake.verify(swapped));
  }

  @Test
  void verify_reservedBytesAreValueFreeButSigned() {
    byte[] h = Vectors.hex("handshakes.txt", "A");
    h[1] = 7; // Go never reads the reserved bytes, but they sit inside the signed range 0..39
    assertThrows(BadPeerException.class, () -> Handshake.verify(h));
  }
}
