package dev.larch.overlay.wire;

import dev.larch.overlay.BadPeerException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Cuts a peer's byte stream (after the handshake) into whole frames: read the 10-byte header, check the magic, then
 * take exactly {@code length} bytes.
 *
 * <p>Protocol doc 3.1 and Go's {@code peer._read}. A WebSocket peer may split or pack frames across messages (2.4), so
 * both transports feed this. Memory is bounded: at most one 65535-byte frame is buffered per peer.
 */
public final class FrameAssembler {
  private final byte[] buffer = new byte[FrameCodec.MAX_FRAME_LENGTH];
  private int filled;

  /** Feeds received bytes; returns the frames they complete, in order. Throws once the stream is unusable. */
  public List<byte[]> feed(byte[] data, int offset, int length) {
    List<byte[]> frames = new ArrayList<>(2);
    int end = offset + length;
    while (offset < end) {
      int want = filled < FrameCodec.HEADER_LENGTH ? FrameCodec.HEADER_LENGTH : frameLength();
      int n = Math.min(want - filled, end - offset);
      System.arraycopy(data, offset, buffer, filled, n);
      filled += n;
      offset += n;
      if (filled == FrameCodec.HEADER_LENGTH) {
        checkHeader();
      }
      if (filled >= FrameCodec.HEADER_LENGTH && filled == frameLength()) {
        frames.add(Arrays.copyOf(buffer, filled));
        filled = 0;
      }
    }
    return frames;
  }

  /** Bytes held for an incomplete frame. */
  public int buffered() {
    return filled;
  }

  private int frameLength() {
    return ((buffer[8] & 0xff) << 8) | (buffer[9] & 0xff);
  }

  private void checkHeader() {
    for (int i = 0; i < 4; i++) {
      if (buffer[i] != FrameCodec.MAGIC[i]) {
        throw new BadPeerException("missing magic bytes");
      }
    }
    if (frameLength() < FrameCodec.HEADER_LENGTH) {
      // A Go node panics on this; we just drop the link.
      throw new BadPeerException("frame length " + frameLength() + " is below the header length");
    }
  }
}
