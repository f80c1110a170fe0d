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
 * both transports feed this. Memory is bounded: at most one 65535-byte frame is buffered per peer. A frame that lies
 * whole in the bytes fed is handed over in place, without a copy (the common case in a bulk transfer).
 */
public final class FrameAssembler {
  private final byte[] buffer = new byte[FrameCodec.MAX_FRAME_LENGTH];
  private int filled;

  /** Receives each whole frame as {@code bytes[offset, offset + length)}, which is only valid during the call. */
  @FunctionalInterface
  public interface Sink {
    void frame(byte[] bytes, int offset, int length);
  }

  /** Feeds received bytes; returns copies of the frames they complete, in order. Throws once the stream is unusable. */
  public List<byte[]> feed(byte[] data, int offset, int length) {
    List<byte[]> frames = new ArrayList<>(2);
    feed(data, offset, length, (bytes, from, n) -> frames.add(Arrays.copyOfRange(bytes, from, from + n)));
    return frames;
  }

  /** Feeds received bytes; hands each frame they complete to {@code sink}, in order. Throws as {@link #feed}. */
  public void feed(byte[] data, int offset, int length, Sink sink) {
    int end = offset + length;
    while (offset < end) {
      if (filled == 0 && end - offset >= FrameCodec.HEADER_LENGTH) {
        checkHeader(data, offset);
        int frameLength = frameLength(data, offset);
        if (end - offset >= frameLength) {
          sink.frame(data, offset, frameLength);
          offset += frameLength;
          continue;
        }
      }
      int want = filled < FrameCodec.HEADER_LENGTH ? FrameCodec.HEADER_LENGTH : frameLength(buffer, 0);
      int n = Math.min(want - filled, end - offset);
      System.arraycopy(data, offset, buffer, filled, n);
      filled += n;
      offset += n;
      if (filled == FrameCodec.HEADER_LENGTH) {
        checkHeader(buffer, 0);
      }
      if (filled >= FrameCodec.HEADER_LENGTH && filled == frameLength(buffer, 0)) {
        int complete = filled;
        filled = 0;
        sink.frame(buffer, 0, complete);
      }
    }
  }

  /** Bytes held for an incomplete frame. */
  public int buffered() {
    return filled;
  }

  private static int frameLength(byte[] bytes, int offset) {
    return ((bytes[offset + 8] & 0xff) << 8) | (bytes[offset + 9] & 0xff);
  }

  private static void checkHeader(byte[] bytes, int offset) {
    for (int i = 0; i < 4; i++) {
      if (bytes[offset + i] != FrameCodec.MAGIC[i]) {
        throw new BadPeerException("missing magic bytes");
      }
    }
    if (frameLength(bytes, offset) < FrameCodec.HEADER_LENGTH) {
      // A Go node panics on this; we just drop the link.
      throw new BadPeerException("frame length " + frameLength(bytes, offset) + " is below the header length");
    }
  }
}
