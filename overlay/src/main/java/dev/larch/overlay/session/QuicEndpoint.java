package dev.larch.overlay.session;

import dev.larch.overlay.identity.PublicKey;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicClientCodecBuilder;
import io.netty.handler.codec.quic.QuicCodecBuilder;
import io.netty.handler.codec.quic.QuicConnectionAddress;
import io.netty.handler.codec.quic.QuicConnectionIdGenerator;
import io.netty.handler.codec.quic.QuicCongestionControlAlgorithm;
import io.netty.handler.codec.quic.QuicServerCodecBuilder;
import io.netty.handler.codec.quic.QuicSslContext;
import io.netty.util.concurrent.Future;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.SecureRandom;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * One node's QUIC endpoint over the overlay: a server-role and a client-role {@link OverlayDatagramChannel}, each with
 * its Netty QUIC codec, behind the one Pinecone key, and the demultiplexer that routes each inbound datagram to one of
 * them by destination connection ID (spike note 3).
 *
 * <p>Every connection ID we issue, in either role, is 20 bytes starting with a 4-byte tag drawn when the endpoint
 * starts. Client-role IDs are also kept in a set (Netty clients never issue more), so: DCID in the set goes to the
 * client codec; any other long-header packet (a peer's Initial, whose DCID the peer chose) to the server codec; a
 * short-header packet with our tag to the server codec; one with another tag belongs to a connection of an earlier
 * run of this node, which {@code staleHandler} is told about (the peer restarted us away; see {@link Sessions}).
 */
final class QuicEndpoint {
  static final int CID_LENGTH = 20;
  static final int TAG_LENGTH = 4;
  static final int MAX_RECV = 1452;
  static final long IDLE_TIMEOUT_MS = 15_000;
  static final int READ_BATCH = 16;
  private static final io.netty.util.AttributeKey<ByteBuffer> CLIENT_ID =
      io.netty.util.AttributeKey.valueOf("larch.session.clientId");

  private final EventLoop loop;
  private final PeerAddresses addresses;
  private final SecureRandom random = new SecureRandom();
  private final byte[] tag = new byte[TAG_LENGTH];
  private final Set<ByteBuffer> clientIds = new HashSet<>();
  private final ArrayDeque<Object[]> inbound = new ArrayDeque<>();
  private final int inboundLimit;
  private final Consumer<PublicKey> staleHandler;
  private final OverlayDatagramChannel server;
  private final OverlayDatagramChannel client;
  private final QuicSslContext clientTls;
  private boolean drainScheduled;
  private long dropped;

  QuicEndpoint(EventLoop loop, PublicKey self, SessionCertificate identity, SessionConfig config,
      PeerAddresses addresses, BiConsumer<PublicKey, byte[]> send, ChannelHandler connectionHandler,
      ChannelHandler streamHandler, Consumer<PublicKey> staleHandler) {
    this.loop = loop;
    this.addresses = addresses;
    this.inboundLimit = config.inboundQueue();
    this.staleHandler = staleHandler;
    random.nextBytes(tag);
    InetSocketAddress local = PeerAddresses.syntheticAddress(self);
    QuicSslContext serverTls = SessionTls.server(identity);
    this.clientTls = SessionTls.client(identity);

    server = new OverlayDatagramChannel("server", local, addresses, send);
    client = new OverlayDatagramChannel("client", local, addresses, send);
    ChannelHandler serverCodec = limits(new QuicServerCodecBuilder(), config)
        .sslEngineProvider(q -> serverTls.newEngine(q.alloc(), expectedHex(q), 1))
        .connectionIdAddressGenerator(new TaggedIds())
        .tokenHandler(null) // no Retry round trip, as Go (protocol doc 6.2)
        .handler(connectionHandler)
        .streamHandler(streamHandler)
        .build();
    ChannelHandler clientCodec = limits(new QuicClientCodecBuilder(), config)
        .sslEngineProvider(q -> clientTls.newEngine(q.alloc(), expectedHex(q),
            // a fresh "port" per connection keeps BoringSSL's client session cache from resuming: every connection
            // runs the full handshake and so the pinned-key check (spike trap 4)
            1 + random.nextInt(65_000)))
        .build();
    server.pipeline().addLast(serverCodec);
    client.pipeline().addLast(clientCodec);
  }

  /** Both roles share the protocol's transport settings (doc 6.2, 6.3). */
  private static <B extends QuicCodecBuilder<B>> B limits(B builder, SessionConfig config) {
    return builder
        // BBR, not quiche's default CUBIC: with 0.5 % loss and a 20 ms round trip, HTTP over a 100 Mbit/s pipe moved
        // 7.6-8.3 MiB/s where CUBIC managed 3.9-4.1, and over an unlimited one 15-16 against 1.5-1.7
        // (SessionThroughputProbe); in-process it keeps queues short instead of filling them until packets drop.
        // Congestion control is the sender's own choice; peers need not agree.
        .congestionControlAlgorithm(QuicCongestionControlAlgorithm.BBR)
        .maxIdleTimeout(IDLE_TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .maxSendUdpPayloadSize(OverlayDatagramChannel.MAX_SEND)
        .maxRecvUdpPayloadSize(MAX_RECV)
        .discoverPmtu(false)
        .activeMigration(false)
        .localConnectionIdLength(CID_LENGTH)
        .initialMaxData(config.connectionWindow())
        .initialMaxStreamDataBidirectionalLocal(config.streamWindow())
        .initialMaxStreamDataBidirectionalRemote(config.streamWindow())
        .initialMaxStreamsBidirectional(config.maxStreamsPerPeer())
        .initialMaxStreamsUnidirectional(0);
  }

  /** Registers both channels on the loop; completes when both are. */
  Future<Void> start() {
    io.netty.util.concurrent.Promise<Void> done = loop.newPromise();
    io.netty.util.concurrent.PromiseCombiner both = new io.netty.util.concurrent.PromiseCombiner(loop);
    loop.execute(() -> {
      both.add(loop.register(server));
      both.add(loop.register(client));
      both.finish(done);
    });
    return done;
  }

  /** The bootstrap of an outbound connection to {@code peer}, with a tagged connection ID of our own. */
  io.netty.handler.codec.quic.QuicChannelBootstrap dial(PublicKey peer) {
    byte[] id = newId();
    ByteBuffer key = ByteBuffer.wrap(id);
    clientIds.add(key);
    return QuicChannel.newBootstrap(client)
        .attr(CLIENT_ID, key)
        .remoteAddress(addresses.addressOf(peer))
        .localConnectionAddress(new QuicConnectionAddress(id.clone()));
  }

  /** Forgets a client connection ID once its connection has closed. */
  void forgetClientId(QuicChannel channel) {
    ByteBuffer id = channel.attr(CLIENT_ID).get();
    if (id != null) {
      clientIds.remove(id);
    }
  }

  /** From any thread: queues one overlay datagram for the loop; drops it when the queue is full (UDP-like). */
  void deliver(PublicKey source, byte[] payload) {
    if (payload.length > MAX_RECV || payload.length < 1 + CID_LENGTH) {
      synchronized (inbound) {
        dropped++; // no QUIC packet we could read is that size: a peer's fault, not worth a log line each
      }
      return;
    }
    boolean schedule;
    synchronized (inbound) {
      if (inbound.size() >= inboundLimit) {
        dropped++;
        return;
      }
      inbound.add(new Object[] {source, payload});
      schedule = !drainScheduled;
      drainScheduled = true;
    }
    if (schedule) {
      loop.execute(this::drain);
    }
  }

  /** QUIC packets over 1200 bytes that quiche tried to send (always 0 unless Netty ignores its limit). */
  long oversizePackets() {
    return server.oversizeDrops() + client.oversizeDrops();
  }

  long droppedDatagrams() {
    synchronized (inbound) {
      return dropped;
    }
  }

  /**
   * Feeds queued datagrams to the codecs, ending a batch (read-complete: quiche then sends, its ACKs included) every
   * {@link #READ_BATCH} packets. One TCP read brings ~50 overlay frames; handed over as one batch they drew one ACK,
   * and BBR, which sizes its window from the round trip, left the sender waiting for it: in-process throughput went
   * from 107-123 to 184-200 MiB/s with batches of 16 (8: 156-169, 32: 174-179), for less CPU per MiB. On a lossy
   * 100 Mbit/s, 20 ms pipe it changed nothing measurable (7.6-8.0 against 8.3 MiB/s); only a pipe that hands a whole
   * flight over at once (no link rate) lost throughput with it (5-7 against 17 MiB/s), which no real link does.
   */
  private void drain() {
    boolean toServer = false;
    boolean toClient = false;
    int injected = 0;
    while (true) {
      if (injected >= READ_BATCH) {
        if (toServer) {
          server.injectComplete();
        }
        if (toClient) {
          client.injectComplete();
        }
        toServer = false;
        toClient = false;
        injected = 0;
      }
      Object[] next;
      synchronized (inbound) {
        next = inbound.poll();
        if (next == null) {
          drainScheduled = false;
          break;
        }
      }
      PublicKey source = (PublicKey) next[0];
      byte[] bytes = (byte[]) next[1];
      OverlayDatagramChannel target = route(source, bytes);
      if (target == null) {
        continue;
      }
      ByteBuf buf = target.alloc().directBuffer(bytes.length).writeBytes(bytes);
      target.inject(new DatagramPacket(buf, (InetSocketAddress) target.localAddress(), addresses.addressOf(source)));
      toServer |= target == server;
      toClient |= target == client;
      injected++;
    }
    if (toServer) {
      server.injectComplete();
    }
    if (toClient) {
      client.injectComplete();
    }
  }

  /** RFC 9000 17.2 / 17.3: the DCID is at byte 6 after its length byte (long header) or at byte 1 (short). */
  private OverlayDatagramChannel route(PublicKey source, byte[] packet) {
    boolean longHeader = (packet[0] & 0x80) != 0;
    int offset;
    int length;
    if (longHeader) {
      if (packet.length < 6 || packet.length < 6 + (packet[5] & 0xff)) {
        return null;
      }
      offset = 6;
      length = packet[5] & 0xff;
    } else {
      offset = 1;
      length = CID_LENGTH;
    }
    if (length == CID_LENGTH && clientIds.contains(ByteBuffer.wrap(packet, offset, length))) {
      return client;
    }
    if (longHeader) {
      return server;
    }
    if (java.util.Arrays.equals(packet, offset, offset + TAG_LENGTH, tag, 0, TAG_LENGTH)) {
      return server;
    }
    staleHandler.accept(source);
    return null;
  }

  private byte[] newId() {
    byte[] id = new byte[CID_LENGTH];
    random.nextBytes(id);
    System.arraycopy(tag, 0, id, 0, TAG_LENGTH);
    return id;
  }

  /** Channel's remote address back to the 64-hex key the TLS trust manager must find in the certificate. */
  private String expectedHex(QuicChannel channel) {
    PublicKey key = channel.remoteSocketAddress() instanceof InetSocketAddress a ? addresses.keyOf(a) : null;
    return key == null ? "unknown" : key.hex();
  }

  /** Server-role connection IDs: our tag, then random bytes (never derived from the peer's choice). */
  private final class TaggedIds implements QuicConnectionIdGenerator {
    @Override
    public ByteBuffer newId(int length) {
      return ByteBuffer.wrap(QuicEndpoint.this.newId());
    }

    @Override
    public ByteBuffer newId(ByteBuffer input, int length) {
      return newId(length);
    }

    @Override
    public int maxConnectionIdLength() {
      return CID_LENGTH;
    }

    @Override
    public boolean isIdempotent() {
      return false;
    }
  }

  void close() {
    server.close();
    client.close();
    synchronized (inbound) {
      inbound.clear();
    }
  }
}
