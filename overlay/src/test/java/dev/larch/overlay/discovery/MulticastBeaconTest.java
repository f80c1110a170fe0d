package dev.larch.overlay.discovery;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.Vectors;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class MulticastBeaconTest {
  @Test
  void encode_matchesSection1410() {
    byte[] expected = Vectors.hex("beacon.txt", "beacon.A.40000");
    MulticastBeacon beacon = new MulticastBeacon(Vectors.key("A").publicKey(), 40000);
    assertArrayEquals(expected, beacon.encode());
    assertEquals(beacon, MulticastBeacon.decode(expected, expected.length));
  }

  @Test
  void decode_acceptsTrailingBytes_rejectsShortDatagrams() {
    byte[] longer = Arrays.copyOf(Vectors.hex("beacon.txt", "beacon.A.40000"), 40);
    assertEquals(40000, MulticastBeacon.decode(longer, longer.length).tcpPort());
    assertThrows(BadPeerException.class, () -> MulticastBeacon.decode(longer, 33));
  }
}
