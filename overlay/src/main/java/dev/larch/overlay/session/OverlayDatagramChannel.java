package dev.larch.overlay.session;

import dev.larch.overlay.identity.PublicKey;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AbstractChannel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.EventLoop;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Netty channel that looks like a bound UDP socket to the QUIC codec but carries each datagram as one Pinecone
 * traffic frame (protocol doc 6.1): outbound {@link DatagramPacket}s go to {@code send(key, bytes)}, inbound frames
 * are pushed in by {@link QuicEndpoint} with {@link #inject} and {@link #injectComplete}.
 *
 * <p>quiche flushes on {@code channelReadComplete}, so the endpoint injects a batch and then completes it once
 * (spike note 1). Writes never block: the overlay's own queues drop traffic when a link is full, which QUIC sees as
 * loss. A packet over {@link #MAX_SEND} bytes is dropped and counted, never sent (doc 6.3: larger ones crash Go).
 */
final class OverlayDatagramChannel extends AbstractChannel {
  private static final Logger LOG = LoggerFactory.getLogger(OverlayDatagramChannel.class);
  static final int MAX_SEND = 1200;
  private static final ChannelMetadata METADATA = new ChannelMetadata(false);

  private final ChannelConfig config = new DefaultChannelConfig(this);
  private final InetSocketAddress local;
  private final PeerAddresses addresses;
  private final BiConsumer<PublicKey, byte[]> send;
  private final String role;
  private volatile boolean open = true;
  private long oversize;
  private long unmapped;

  OverlayDatagramChannel(String role, InetSocketAddress local, PeerAddresses addresses,
      BiConsumer<PublicKey, byte[]> send) {
    super(null);
    this.role = role;
    this.local = local;
    this.addresses = addresses;
    this.send = send;
  }

  /** Hands one inbound datagram to the pipeline; on the event loop. Takes ownership of {@code packet}. */
  void inject(DatagramPacket packet) {
    if (!open) {
      packet.release();
      return;
    }
    pipeline().fireChannelRead(packet);
  }

  /** Ends a batch of {@link #inject} calls, which lets quiche process and flush. */
  void injectComplete() {
    if (open) {
      pipeline().fireChannelReadComplete();
    }
  }

  long oversizeDrops() {
    return oversize;
  }

  @Override
  protected void doWrite(ChannelOutboundBuffer in) {
    for (Object msg = in.current(); msg != null; msg = in.current()) {
      if (msg instanceof DatagramPacket packet) {
        ByteBuf content = packet.content();
        PublicKey key = addresses.keyOf(packet.recipient());
        if (content.readableBytes() > MAX_SEND) {
          oversize++;
          LOG.error("{} QUIC packet of {} bytes dropped: quiche must cap at {} (our bug)", role,
              content.readableBytes(), MAX_SEND);
        } else if (key == null) {
          unmapped++;
          LOG.debug("{} QUIC packet to forgotten address {} dropped ({} so far)", role, packet.recipient(), unmapped);
        } else {
          byte[] bytes = new byte[content.readableBytes()];
          content.getBytes(content.readerIndex(), bytes);
          send.accept(key, bytes);
        }
      }
      in.remove();
    }
  }

  @Override
  protected AbstractUnsafe newUnsafe() {
    return new AbstractUnsafe() {
      @Override
      public void connect(SocketAddress remote, SocketAddress localAddress, ChannelPromise promise) {
        promise.setFailure(new UnsupportedOperationException("an overlay datagram channel is never connected"));
      }
    };
  }

  @Override
  protected boolean isCompatible(EventLoop loop) {
    return true; // no selector or IoHandler involved: any single-threaded loop can drive it
  }

  @Override
  protected SocketAddress localAddress0() {
    return local;
  }

  @Override
  protected SocketAddress remoteAddress0() {
    return null;
  }

  @Override
  protected void doBind(SocketAddress localAddress) {
    // the overlay key is the address; nothing to bind
  }

  @Override
  protected void doDisconnect() {
    doClose();
  }

  @Override
  protected void doClose() {
    open = false;
  }

  @Override
  protected void doBeginRead() {
    // reads are pushed by the endpoint; autoRead has nothing to start
  }

  @Override
  public ChannelConfig config() {
    return config;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public boolean isActive() {
    return open;
  }

  @Override
  public ChannelMetadata metadata() {
    return METADATA;
  }
}
