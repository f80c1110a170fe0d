package dev.larch.overlay.node;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.wire.FrameAssembler;
import dev.larch.overlay.wire.Handshake;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;
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
 *
 * <p>On a byte-stream transport ({@link Transport#batchBytes} &gt; 0, TCP) frames queued within one event-loop turn
 * leave as one write of up to that many bytes: a bulk QUIC transfer emits hundreds of 1.2 KB packets per turn, and a
 * write per frame through Vert.x and the Netty pipeline was ~15 % of its Java samples (batching cut the CPU of overlay
 * datagrams by about as much). The bytes on the wire are the same.
 * A WebSocket keeps one binary message per frame, as Go writes them.
 */
final class PeerLink {
  static final int TRAFFIC_QUEUE_FRAMES = 256;
  static final int PROTO_QUEUE_FRAMES = 1024;
  static final long WRITE_STALL_MS = 3_000;

  /** The byte pipe under a link. */
  interface Transport {
    void write(Buffer bytes);

    /**
     * The largest write the link may build by concatenating frames (a byte stream has no message boundaries), or 0
     * when every frame must be its own write (one WebSocket message per frame).
     */
    default int batchBytes() {
      return 0;
    }

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
  private final Consumer<Runnable> endOfTurn;
  private final int batchBytes;
  final String zone;
  final boolean outbound;
  private final Buffer handshake = Buffer.buffer(Handshake.LENGTH);
  private final FrameAssembler assembler = new FrameAssembler();
  private final byte[] scratch = new byte[16 * 1024]; // received bytes are copied through here, not a new array each
  private final ArrayDeque<byte[]> proto = new ArrayDeque<>();
  private final ArrayDeque<byte[]> traffic = new ArrayDeque<>();
  private long fullSince = -1;
  private int queuedBytes;
  private boolean pumpScheduled;
  PublicKey remote;
  int port = -1;
  boolean closed;
  String closeReason;
  long trafficDropped;
  final long[] counters = new long[4]; // rx proto, tx proto, rx traffic, tx traffic

  /** A link that writes every frame at once (tests). */
  PeerLink(Transport transport, String zone, boolean outbound, LongSupplier clock) {
    this(transport, zone, outbound, clock, Runnable::run);
  }

  /**
   * {@code endOfTurn} runs a task after what the event loop is doing now (a batching transport's frames are written
   * then); {@code Runnable::run} writes each frame at once.
   */
  PeerLink(Transport transport, String zone, boolean outbound, LongSupplier clock, Consumer<Runnable> endOfTurn) {
    this.transport = transport;
    this.zone = zone;
    this.outbound = outbound;
    this.clock = clock;
    this.endOfTurn = endOfTurn;
    this.batchBytes = transport.batchBytes();
    transport.drainHandler(this::onDrain);
  }

  Transport transport() {
    return transport;
  }

  /**
   * Feeds received bytes: runs {@code shookHands} once the handshake is complete (before any frame), then hands each
   * whole frame to {@code frames} (valid during the call only). Stops once the link is closed. Throws
   * {@link BadPeerException} when the stream is unusable.
   */
  void onBytes(Buffer data, Runnable shookHands, FrameAssembler.Sink frames) {
    for (int position = 0; position < data.length() && !closed; ) {
      int n = Math.min(scratch.length, data.length() - position);
      data.getBytes(position, position + n, scratch, 0);
      position += n;
      int offset = 0;
      if (remote == null) {
        offset = Math.min(Handshake.LENGTH - handshake.length(), n);
        handshake.appendBytes(scratch, 0, offset);
        if (handshake.length() < Handshake.LENGTH) {
          continue;
        }
        remote = Handshake.verify(handshake.getBytes());
        shookHands.run();
      }
      if (offset < n && !closed) {
        assembler.feed(scratch, offset, n - offset, frames);
      }
    }
  }

  /** Queues one encoded frame and writes what the transport accepts. Closes the link on protocol-queue overflow. */
  void write(byte[] frame, boolean isTraffic) {
    if (closed) {
      return;
    }
    if (isTraffic) {
      if (traffic.size() >= TRAFFIC_QUEUE_FRAMES) {
        queuedBytes -= traffic.pollFirst().length; // head drop: the oldest datagram is the least useful one
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
    queuedBytes += frame.length;
    if (batchBytes == 0 || queuedBytes >= batchBytes) {
      pump(); // a full batch goes now, so a burst never waits in (or head-drops from) our queue for the turn's end
    } else if (!pumpScheduled) {
      pumpScheduled = true;
      endOfTurn.accept(() -> {
        pumpScheduled = false;
        pump();
      });
    }
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
      if (batchBytes == 0) {
        transport.write(Buffer.buffer(next()));
        continue;
      }
      Buffer batch = Buffer.buffer(Math.min(queuedBytes, batchBytes));
      do {
        batch.appendBytes(next());
      } while (!(proto.isEmpty() && traffic.isEmpty())
          && batch.length() + (proto.isEmpty() ? traffic : proto).peekFirst().length <= batchBytes);
      transport.write(batch);
    }
    if (!closed && fullSince < 0 && transport.writeQueueFull()) {
      fullSince = clock.getAsLong(); // the stall clock starts when the peer stops taking bytes, as a blocked write
    }
  }

  /** The next frame to write: protocol frames first. */
  private byte[] next() {
    boolean isTraffic = proto.isEmpty();
    byte[] frame = isTraffic ? traffic.pollFirst() : proto.pollFirst();
    counters[isTraffic ? 3 : 1] += frame.length;
    queuedBytes -= frame.length;
    return frame;
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
      queuedBytes = 0;
      transport.close();
    }
  }
}
