package dev.larch.overlay.wire;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.Vectors;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Seeded mutations of valid frames, and random bytes, through the stream assembler and the decoder: every input
 * either decodes or throws {@link BadPeerException}, nothing else, and the assembler never holds more than one frame.
 */
class FrameDecoderFuzzTest {
  private static final int ITERATIONS = 20_000;

  @Test
  void mutatedFrames_decodeOrThrowBadPeer_only() {
    List<byte[]> seeds = new ArrayList<>();
    Vectors.load("frames.txt").forEach((name, hex) -> {
      if (!name.endsWith(".protected")) {
        seeds.add(HexFormat.of().parseHex(hex));
      }
    });
    Random random = new Random(0x5eed);
    int decoded = 0;
    int rejected = 0;
    for (int i = 0; i < ITERATIONS; i++) {
      byte[] frame = mutate(seeds.get(random.nextInt(seeds.size())).clone(), random);
      try {
        FrameCodec.decode(frame);
        decoded++;
      } catch (BadPeerException expected) {
        rejected++;
      } catch (RuntimeException bug) {
        fail("iteration " + i + " threw " + bug + " for " + HexFormat.of().formatHex(frame), bug);
      }
    }
    assertTrue(decoded > 1000 && rejected > 1000, "both outcomes exercised: " + decoded + "/" + rejected);
  }

  @Test
  void randomStreams_throughTheAssembler_stayBounded() {
    Random random = new Random(42);
    for (int i = 0; i < 2_000; i++) {
      FrameAssembler assembler = new FrameAssembler();
      byte[] chunk = new byte[1 + random.nextInt(2048)];
      try {
        for (int j = 0; j < 20; j++) {
          random.nextBytes(chunk);
          if (random.nextBoolean()) { // a plausible header now and then, so long bodies get buffered
            System.arraycopy(FrameCodec.MAGIC, 0, chunk, 0, Math.min(4, chunk.length));
          }
          for (byte[] frame : assembler.feed(chunk, 0, chunk.length)) {
            try {
              FrameCodec.decode(frame);
            } catch (BadPeerException expected) {
              // the link would be dropped; keep fuzzing the assembler
            }
          }
          assertTrue(assembler.buffered() <= FrameCodec.MAX_FRAME_LENGTH);
        }
      } catch (BadPeerException expected) {
        // bad magic or a length under 10: the link is dropped
      } catch (RuntimeException bug) {
        fail("stream " + i + " threw " + bug, bug);
      }
    }
  }

  private static byte[] mutate(byte[] frame, Random random) {
    switch (random.nextInt(5)) {
      case 0 -> { // flip some bytes, but keep the header's length honest half the time
        for (int k = 1 + random.nextInt(4); k > 0; k--) {
          frame[random.nextInt(frame.length)] = (byte) random.nextInt(256);
        }
      }
      case 1 -> { // truncate, fixing up the header length so the frame reaches the body decoder
        int n = Math.max(10, random.nextInt(frame.length + 1));
        frame = java.util.Arrays.copyOf(frame, n);
        frame[8] = (byte) (n >>> 8);
        frame[9] = (byte) n;
      }
      case 2 -> { // extend with junk
        int n = Math.min(65535, frame.length + 1 + random.nextInt(64));
        byte[] longer = java.util.Arrays.copyOf(frame, n);
        for (int k = frame.length; k < n; k++) {
          longer[k] = (byte) random.nextInt(256);
        }
        longer[8] = (byte) (n >>> 8);
        longer[9] = (byte) n;
        frame = longer;
      }
      case 3 -> { // corrupt a body length field or the type
        int at = 10 + random.nextInt(Math.max(1, Math.min(6, frame.length - 10)));
        if (at < frame.length) {
          frame[at] = (byte) random.nextInt(256);
        }
        frame[5] = (byte) random.nextInt(6);
      }
      default -> { // pure random bytes behind a valid-looking header
        random.nextBytes(frame);
        System.arraycopy(FrameCodec.MAGIC, 0, frame, 0, 4);
        frame[8] = (byte) (frame.length >>> 8);
        frame[9] = (byte) frame.length;
        frame[5] = (byte) random.nextInt(6);
      }
    }
    return frame;
  }
}
