package dev.larch.overlay.wire;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.Vectors;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FrameAssemblerTest {
  private final byte[] keepalive = Vectors.hex("frames.txt", "keepalive");
  private final byte[] bootstrap = Vectors.hex("frames.txt", "bootstrap.B");

  @Test
  void feed_reassemblesFramesSplitByteByByte() {
    FrameAssembler assembler = new FrameAssembler();
    List<byte[]> out = new ArrayList<>();
    for (int i = 0; i < bootstrap.length; i++) {
      out.addAll(assembler.feed(bootstrap, i, 1));
    }
    assertEquals(1, out.size());
    assertArrayEquals(bootstrap, out.get(0));
    assertEquals(0, assembler.buffered());
  }

  @Test
  void feed_splitsFramesPackedIntoOneChunk() {
    byte[] packed = new byte[keepalive.length + bootstrap.length + 3];
    System.arraycopy(keepalive, 0, packed, 0, keepalive.length);
    System.arraycopy(bootstrap, 0, packed, keepalive.length, bootstrap.length);
    System.arraycopy(keepalive, 0, packed, keepalive.length + bootstrap.length, 3);
    List<byte[]> out = new FrameAssembler().feed(packed, 0, packed.length);
    assertEquals(2, out.size());
    assertArrayEquals(bootstrap, out.get(1));
  }

  @Test
  void feed_dropsTheLinkOnBadMagicOrLengthBelowTen() {
    byte[] bad = keepalive.clone();
    bad[0] = 'x';
    assertThrows(BadPeerException.class, () -> new FrameAssembler().feed(bad, 0, bad.length));
    byte[] shortLength = keepalive.clone();
    shortLength[9] = 9;
    assertThrows(BadPeerException.class, () -> new FrameAssembler().feed(shortLength, 0, shortLength.length));
  }
}
