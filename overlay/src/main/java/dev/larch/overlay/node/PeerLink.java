package dev.larch.overlay.node;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.wire.FrameAssembler;
import dev.larch.overlay.wire.Handshake;
import io.vertx.core.buffer.Buffer;
import java.util.List;

/**
 * One peering over any ordered byte stream: write our handshake at once, read exactly 104 bytes of theirs, then cut
 * the rest into frames. Runs on the node's context only.
 *
 * <p>Protocol doc 2.1 (handshake, 10 s deadline) and 3.1 (framing). Transports differ only in how bytes move, so TCP
 * and WebSocket both implement {@link Transport}.
 */
final class PeerLink {
  /** The byte pipe under a link. */
  interface Transport {
    void write(Buffer bytes);

    /** Whether the outgoing buffer is over its mark; traffic is then dropped rather than queued without bound. */
    boolean writeQueueFull();

    void close();

    String uri();

    /** Routes incoming bytes and the close event (already on the node's context). */
    void bind(io.vertx.core.Handler<Buffer> bytes, Runnable closed);
  }

  private final Transport transport;
  final String zone;
  final boolean outbound;
  private final Buffer handshake = Buffer.buffer(Handshake.LENGTH);
  private final FrameAssembler assembler = new FrameAssembler();
  PublicKey remote;
  int port = -1;
  boolean closed;
  final long[] counters = new long[4]; // rx proto, tx proto, rx traffic, tx traffic

  PeerLink(Transport transport, String zone, boolean outbound) {
    this.transport = transport;
    this.zone = zone;
    this.outbound = outbound;
  }

  Transport transport() {
    return transport;
  }

  /**
   * Feeds received bytes. Returns true when this call completed the handshake; frames go to {@code frames}. Throws
   * {@link BadPeerException} when the stream is unusable.
   */
  boolean onBytes(Buffer data, List<byte[]> frames) {
    boolean justShookHands = false;
    byte[] bytes = data.getBytes();
    int offset = 0;
    if (remote == null) {
      int n = Math.min(Handshake.LENGTH - handshake.length(), bytes.length);
      handshake.appendBytes(bytes, 0, n);
      offset = n;
      if (handshake.length() < Handshake.LENGTH) {
        return false;
      }
      remote = Handshake.verify(handshake.getBytes());
      justShookHands = true;
    }
    if (offset < bytes.length) {
      frames.addAll(assembler.feed(bytes, offset, bytes.length - offset));
    }
    return justShookHands;
  }

  void write(byte[] frame, boolean traffic) {
    if (closed || (traffic && transport.writeQueueFull())) {
      return; // traffic is best-effort; a peer that does not read loses it instead of growing our heap
    }
    counters[traffic ? 3 : 1] += frame.length;
    transport.write(Buffer.buffer(frame));
  }

  void close() {
    if (!closed) {
      closed = true;
      transport.close();
    }
  }
}
