package dev.larch.overlay.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.Vectors;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VarU64AndCoordinatesTest {
  @Test
  void varu64_matchesEverySection32Vector() {
    Map<String, String> vectors = Vectors.load("varu64.txt");
    assertEquals(13, vectors.size());
    vectors.forEach((value, hex) -> {
      long n = Long.parseUnsignedLong(value);
      byte[] bytes = HexFormat.of().parseHex(hex);
      assertArrayEquals(bytes, VarU64.encode(n), value);
      assertEquals(bytes.length, VarU64.length(n), value);
      assertEquals(n, VarU64.decode(bytes), value);
    });
  }

  @Test
  void varu64_isNotLeb128() {
    assertArrayEquals(new byte[] {(byte) 0x82, 0x2c}, VarU64.encode(300)); // LEB128 would be ac 02
  }

  @Test
  void varu64_rejectsUnterminatedAndOverlongInput() {
    assertThrows(BadPeerException.class, () -> VarU64.decode(new byte[] {(byte) 0x81}));
    byte[] eleven = new byte[11];
    Arrays.fill(eleven, (byte) 0x80);
    assertThrows(BadPeerException.class, () -> VarU64.decode(eleven));
    byte[] overflow = HexFormat.of().parseHex("82ffffffffffffffff7f"); // 2^64 and more
    assertThrows(BadPeerException.class, () -> VarU64.decode(overflow));
  }

  @Test
  void coordinates_matchEverySection37Vector() {
    Vectors.load("coordinates.txt").forEach((text, hex) -> {
      String inner = text.substring(1, text.length() - 1).strip();
      long[] ports = inner.isEmpty()
          ? new long[0]
          : Arrays.stream(inner.split(" ")).mapToLong(Long::parseLong).toArray();
      Coordinates c = Coordinates.of(ports);
      byte[] bytes = HexFormat.of().parseHex(hex);
      assertArrayEquals(bytes, c.encode(), text);
      assertEquals(c, Coordinates.decode(bytes), text);
      assertEquals(text, c.toString());
    });
  }

  @Test
  void distance_isLengthsMinusTwiceCommonPrefix() {
    assertEquals(5, Coordinates.of(1, 3, 5, 3, 4).distanceTo(Coordinates.of(1, 3, 5, 7, 6, 1)));
    assertEquals(0, Coordinates.ROOT.distanceTo(Coordinates.ROOT));
    assertEquals(1, Coordinates.of(1).distanceTo(Coordinates.of(1, 2)));
  }

  @Test
  void coordinates_rejectALengthPrefixPastTheEnd() {
    assertThrows(BadPeerException.class, () -> Coordinates.decode(HexFormat.of().parseHex("000301")));
    assertThrows(BadPeerException.class, () -> Coordinates.decode(HexFormat.of().parseHex("0001")));
    assertThrows(BadPeerException.class, () -> Coordinates.decode(HexFormat.of().parseHex("000181")));
  }
}
