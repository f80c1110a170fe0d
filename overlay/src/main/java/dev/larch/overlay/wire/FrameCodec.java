package dev.larch.overlay.wire;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.identity.PublicKey;

/**
 * Encodes and decodes whole frames: the 10-byte header ({@code pine}, version 0, type, extra, hop limit, u16 total
 * length) and the type-specific body.
 *
 * <p>Protocol doc 3.1-3.9. Decoding mirrors the Go node's tolerance: trailing bytes after types 0, 1, 2 and 4 are
 * ignored, type 3 must match its length exactly, a short bootstrap is {@link Frame.Ignored} (Go drops it silently),
 * a short announcement or broadcast is fatal (Go fails their signature check and drops the link), and unknown types
 * are {@link Frame.Ignored}.
 */
public final class FrameCodec {
  public static final int HEADER_LENGTH = 10;
  public static final int MAX_FRAME_LENGTH = 0xffff;
  static final byte[] MAGIC = {0x70, 0x69, 0x6e, 0x65};

  private FrameCodec() {}

  /** The wire bytes of {@code frame}; a frame over 65535 bytes is our bug. */
  public static byte[] encode(Frame frame) {
    byte[] out;
    int hopLimit = 0;
    int offset = HEADER_LENGTH;
    if (frame instanceof Frame.Keepalive) {
      out = new byte[HEADER_LENGTH];
    } else if (frame instanceof Frame.TreeAnnouncement a) {
      out = allocate(HEADER_LENGTH + 2 + a.payload().length);
      offset = writePayloadLength(out, offset, a.payload().length);
      System.arraycopy(a.payload(), 0, out, offset, a.payload().length);
    } else if (frame instanceof Frame.Bootstrap b) {
      int wm = VarU64.length(b.watermark().sequence());
      out = allocate(HEADER_LENGTH + 2 + 64 + wm + b.payload().length);
      offset = writePayloadLength(out, offset, b.payload().length);
      b.destination().writeTo(out, offset);
      b.watermark().key().writeTo(out, offset + 32);
      offset += 64;
      offset += VarU64.write(b.watermark().sequence(), out, offset);
      System.arraycopy(b.payload(), 0, out, offset, b.payload().length);
    } else if (frame instanceof Frame.Traffic t) {
      hopLimit = t.hopLimit();
      boolean snek = t.destination().isEmpty();
      int wm = snek ? 32 + VarU64.length(t.watermark().sequence()) : 0;
      out = allocate(HEADER_LENGTH + 2 + t.destination().encodedLength() + t.source().encodedLength() + 64 + wm
          + t.payload().length);
      offset = writePayloadLength(out, offset, t.payload().length);
      offset += t.destination().write(out, offset);
      offset += t.source().write(out, offset);
      t.destinationKey().writeTo(out, offset);
      t.sourceKey().writeTo(out, offset + 32);
      offset += 64;
      if (snek) {
        t.watermark().key().writeTo(out, offset);
        offset += 32;
        offset += VarU64.write(t.watermark().sequence(), out, offset);
      }
      System.arraycopy(t.payload(), 0, out, offset, t.payload().length);
    } else if (frame instanceof Frame.WakeupBroadcast w) {
      hopLimit = w.hopLimit();
      out = allocate(HEADER_LENGTH + 2 + 32 + w.payload().length);
      offset = writePayloadLength(out, offset, w.payload().length);
      w.source().writeTo(out, offset);
      System.arraycopy(w.payload(), 0, out, offset + 32, w.payload().length);
    } else {
      throw new IllegalArgumentException("ignored frames are never sent");
    }
    System.arraycopy(MAGIC, 0, out, 0, 4);
    out[5] = (byte) frame.type();
    out[7] = (byte) hopLimit;
    out[8] = (byte) (out.length >>> 8);
    out[9] = (byte) out.length;
    return out;
  }

  /** Decodes exactly one frame occupying all of {@code data}. */
  public static Frame decode(byte[] data) {
    return decode(data, 0, data.length);
  }

  /** Decodes exactly one frame occupying {@code data[offset, offset + size)}; the frame keeps no reference to it. */
  public static Frame decode(byte[] data, int offset, int size) {
    if (size < HEADER_LENGTH) {
      throw new BadPeerException("frame is not long enough to include metadata");
    }
    for (int i = 0; i < 4; i++) {
      if (data[offset + i] != MAGIC[i]) {
        throw new BadPeerException("missing magic bytes");
      }
    }
    int length = ((data[offset + 8] & 0xff) << 8) | (data[offset + 9] & 0xff);
    if (length < HEADER_LENGTH) {
      throw new BadPeerException("frame length " + length + " is below the header length");
    }
    if (length != size) {
      throw new BadPeerException("frame length incorrect");
    }
    int type = data[offset + 5] & 0xff;
    int hopLimit = data[offset + 7] & 0xff;
    WireCursor in = new WireCursor(data, offset + HEADER_LENGTH, offset + size);
    return switch (type) {
      case Frame.TYPE_KEEPALIVE -> Frame.Keepalive.INSTANCE;
      case Frame.TYPE_TREE_ANNOUNCEMENT -> {
        int payloadLength = in.readU16();
        yield new Frame.TreeAnnouncement(in.readBytes(payloadLength, "announcement payload"));
      }
      case Frame.TYPE_BOOTSTRAP -> decodeBootstrap(in);
      case Frame.TYPE_TRAFFIC -> decodeTraffic(in, hopLimit, offset, size);
      case Frame.TYPE_WAKEUP_BROADCAST -> {
        int payloadLength = in.readU16();
        PublicKey source = in.readKey();
        yield new Frame.WakeupBroadcast(hopLimit, source, in.readBytes(payloadLength, "broadcast payload"));
      }
      default -> new Frame.Ignored(type, "unknown frame type " + type);
    };
  }

  private static Frame decodeBootstrap(WireCursor in) {
    try {
      int payloadLength = in.readU16();
      PublicKey destination = in.readKey();
      Watermark watermark = new Watermark(in.readKey(), in.readVarU64());
      return new Frame.Bootstrap(destination, watermark, in.readBytes(payloadLength, "bootstrap payload"));
    } catch (BadPeerException shortBootstrap) {
      // Go decodes what is there and then fails the bootstrap quietly, keeping the link.
      return new Frame.Ignored(Frame.TYPE_BOOTSTRAP, shortBootstrap.getMessage());
    }
  }

  private static Frame.Traffic decodeTraffic(WireCursor in, int hopLimit, int frameStart, int frameLength) {
    int payloadLength = in.readU16();
    Coordinates destination = Coordinates.read(in);
    Coordinates source = Coordinates.read(in);
    PublicKey destinationKey = in.readKey();
    PublicKey sourceKey = in.readKey();
    Watermark watermark = Watermark.NONE;
    if (destination.isEmpty()) {
      watermark = new Watermark(in.readKey(), in.readVarU64());
    }
    int expected = in.position() + payloadLength;
    if (expected != frameStart + frameLength) {
      throw new BadPeerException("frame expecting " + (expected - frameStart) + " total bytes, got " + frameLength
          + " bytes");
    }
    byte[] payload = in.readBytes(payloadLength, "traffic payload");
    return new Frame.Traffic(hopLimit, destination, source, destinationKey, sourceKey, watermark, payload);
  }

  private static byte[] allocate(int length) {
    if (length > MAX_FRAME_LENGTH) {
      throw new IllegalArgumentException("frame of " + length + " bytes exceeds 65535");
    }
    return new byte[length];
  }

  private static int writePayloadLength(byte[] out, int offset, int payloadLength) {
    out[offset] = (byte) (payloadLength >>> 8);
    out[offset + 1] = (byte) payloadLength;
    return offset + 2;
  }
}
