package dev.larch.overlay.node;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.wire.FrameAssembler;
import dev.larch.overlay.wire.Handshake;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One peering over any ordered byte stream: write our handshake at once, read exactly 104 bytes of theirs, then cut
 * the rest into frames. Runs on the node's context only.
 *
 * <p>Protocol doc 2.1 (handshake, 10 s deadline) and 3.1 (framing). Transports differ only in how bytes move, so TCP
 * and WebSocket both implement {@link Transport}.
 *
 * <p>Outgoing frames wait in two bounded queues, as in Go's {@code router/peer.go}: protocol frames always go first;
 * traffic waits in a FIFO of {@value #TRAFFIC_QUEUE_FRAMES} frames that drops its oldest frame when full (Go's
 * fair FIFO drops at the head too). Go's protocol queue has no cap, but every write has a 3 s deadline whose expiry
 * drops the peering; we drop the peering when the transport has stayed full for {@value #WRITE_STALL_MS} ms
 * ({@link #checkStall}) or when {@value #PROTO_QUEUE_FRAMES} protocol frames are waiting, whichever comes first, so
 * a peer that stops reading costs bounded memory.
 */
final class PeerLink {
  static final int TRAFFIC_QUEUE_FRAMES = 256;
  static final int PROTO_QUEUE_FRAMES = 1024;
  static final long WRITE_STALL_MS = 3_000;

  /** The byte pipe under a link. */
  interface Transport {
    void write(Buffer bytes);

    /** Whether the outgoing buffer is over its high-water mark; we then hold frames in our own queues. */
    boolean writeQueueFull();

    /** Called (on the node's context) once the outgoing buffer has drained below its low-water mark. */
    void drainHandler(Runnable drained);

    void close();

    String uri();

    /** Routes incoming bytes and the close event (already on the node's context). */
    void bind(io.vertx.core.Handler<Buffer> bytes, Runnable closed);
  }

  private final Transport transport;
  private final LongSupplier clock;
  final String zone;
  final boolean outbound;
  private final Buffer handshake = Buffer.buffer(Handshake.LENGTH);
  private final FrameAssembler assembler = new FrameAssembler();
  private final ArrayDeque<byte[]> proto = new ArrayDeque<>();
  private final ArrayDeque<byte[]> traffic = new ArrayDeque<>();
  private long fullSince = -1;
  PublicKey remote;
  int port = -1;
  boolean closed;
  String closeReason;
  long trafficDropped;
  final long[] counters = new long[4]; // rx proto, tx proto, rx traffic, tx traffic

  PeerLink(Transport transport, String zone, boolean outbound, LongSupplier clock) {
    this.transport = transport;
    this.zone = zone;
    this.outbound = outbound;
    this.clock = clock;
    transport.drainHandler(this::onDrain);
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

  /** Queues one encoded frame and writes what the transport accepts. Closes the link on protocol-queue overflow. */
  void write(byte[] frame, boolean isTraffic) {
    if (closed) {
      return;
    }
    if (isTraffic) {
      if (traffic.size() >= TRAFFIC_QUEUE_FRAMES) {
        traffic.pollFirst(); // head drop: the oldest datagram is the least useful one
        trafficDropped++;
      }
      traffic.addLast(frame);
    } else {
      if (proto.size() >= PROTO_QUEUE_FRAMES) {
        close("protocol write queue overflow (" + PROTO_QUEUE_FRAMES + " frames): peer is not reading");
        return;
      }
      proto.addLast(frame);
    }
    pump();
  }

  /** Frames waiting in our queues (not yet handed to the transport). */
  int queued() {
    return proto.size() + traffic.size();
  }

  /** Drops the link when the transport has been full for Go's 3 s write deadline; call from the node's tick. */
  void checkStall(long now) {
    if (!closed && fullSince >= 0 && now - fullSince >= WRITE_STALL_MS && transport.writeQueueFull()) {
      close("write stalled for " + (now - fullSince) + " ms (Go's 3 s write deadline)");
    }
  }

  private void onDrain() {
    fullSince = -1;
    pump();
  }

  private void pump() {
    while (!closed && !transport.writeQueueFull() && !(proto.isEmpty() && traffic.isEmpty())) {
      boolean isTraffic = proto.isEmpty();
      byte[] frame = isTraffic ? traffic.pollFirst() : proto.pollFirst();
      counters[isTraffic ? 3 : 1] += frame.length;
      transport.write(Buffer.buffer(frame));
    }
    if (!closed && fullSince < 0 && transport.writeQueueFull()) {
      fullSince = clock.getAsLong(); // the stall clock starts when the peer stops taking bytes, as a blocked write
    }
  }

  void close() {
    close(null);
  }

  private void close(String reason) {
    if (!closed) {
      closed = true;
      closeReason = reason;
      proto.clear();
      traffic.clear();
      transport.close();
    }
  }
}
