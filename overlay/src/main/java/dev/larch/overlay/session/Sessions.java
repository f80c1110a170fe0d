package dev.larch.overlay.session;

import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.node.OverlayNode;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.quic.QuicChannel;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Promise;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pinecone "sessions" in Java: QUIC connections to peers addressed by their key, carried in overlay traffic frames,
 * one connection per peer whichever side opened it, bidirectional streams over it both ways.
 *
 * <p>Protocol doc 6 (Go's {@code sessions/*.go}). {@link #dial} opens a stream on the peer's connection (connecting
 * first if there is none; if that fails on a dead connection it forgets it and re-dials once, as Go). {@link
 * #streamHandler} receives every stream a peer opens, on connections of either direction. A second inbound connection
 * from a peer that has one is closed with application error 0 "connection replaced" (Go's rule), unless the existing
 * one turns out dead: we then probe it (a stream with only a FIN, which must draw an acknowledgement within {@link
 * #PROBE_MS}) and, with no answer, drop it for the new one: the peer restarted. Both nodes dialling at once keep the
 * connection dialled by the higher key. A short-header packet for a connection ID of an earlier run of this node
 * means the peer still talks to that run: we dial it, so its probe finds the old connection dead.
 *
 * <p>Everything runs on the node's own event-loop context (its Netty loop drives quiche), so a datagram never changes
 * threads between the router and quiche; returned futures complete there.
 * {@link #start} takes over the node's {@link OverlayNode#trafficHandler}.
 */
public final class Sessions {
  private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
  static final long PROBE_MS = 1_500;
  private static final long HANDSHAKE_TIMEOUT_MS = 5_000; // quic-go's HandshakeIdleTimeout
  private static final long STALE_REDIAL_MS = 2_000;
  private static final AttributeKey<PublicKey> PEER = AttributeKey.valueOf("larch.session.peer");

  private final ContextInternal context;
  private final EventLoop loop;
  private final OverlayNode node;
  private final PublicKey self;
  private final SessionConfig config;
  private final PeerAddresses addresses = new PeerAddresses();
  private final Map<PublicKey, Conn> conns = new HashMap<>();
  private final Map<PublicKey, Long> staleDials = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<PublicKey, Long> eldest) {
      return size() > 1024;
    }
  };
  private QuicEndpoint endpoint;
  private volatile Consumer<SessionStream> streamHandler = s -> s.channel().close();
  private int liveChannels;
  private boolean closed;

  /** The peer's one connection: dialled by us and maybe still handshaking, or established either way. */
  private static final class Conn {
    final PublicKey peer;
    final Promise<QuicChannel> ready;
    QuicChannel channel;

    Conn(PublicKey peer, Promise<QuicChannel> ready) {
      this.peer = peer;
      this.ready = ready;
    }
  }

  private Sessions(OverlayNode node, SessionConfig config) {
    // The node's own context: every datagram in and out then stays on one thread (no hop, no wake-up per packet).
    this.context = (ContextInternal) node.context();
    this.loop = context.nettyEventLoop();
    this.node = node;
    this.self = node.publicKey();
    this.config = config;
  }

  /** Starts the sessions layer of {@code node}, whose key is {@code key}. */
  public static Future<Sessions> start(OverlayNode node, NodeKey key, SessionConfig config) {
    if (!key.publicKey().equals(node.publicKey())) {
      return Future.failedFuture(new IllegalArgumentException("the key is not the node's"));
    }
    return start(node, SessionCertificate.generate(key), config);
  }

  /** As the public {@code start}, with any certificate: tests use it to present a wrong one. */
  static Future<Sessions> start(OverlayNode node, SessionCertificate identity, SessionConfig config) {
    Sessions sessions = new Sessions(node, config);
    PromiseInternal<Sessions> started = sessions.context.promise();
    sessions.loop.execute(() -> {
      sessions.endpoint = new QuicEndpoint(sessions.loop, sessions.self, identity, config,
          sessions.addresses, node::send, sessions.connectionHandler(false), sessions.streamInitializer(),
          sessions::staleFrom);
      sessions.endpoint.start().addListener(f -> {
        if (f.isSuccess()) {
          node.trafficHandler(sessions.endpoint::deliver);
          started.tryComplete(sessions);
        } else {
          started.tryFail(f.cause());
        }
      });
    });
    return started.future();
  }

  public PublicKey publicKey() {
    return self;
  }

  /** The Vert.x event-loop context every connection and stream of this node runs on. */
  public io.vertx.core.Context context() {
    return context;
  }

  /** Receives each stream a peer opens (any connection); runs on the event loop: set up the pipeline at once. */
  public void streamHandler(Consumer<SessionStream> handler) {
    this.streamHandler = handler;
  }

  /**
   * A new bidirectional stream to {@code peer}, on its connection (dialled first if needed). The stream arrives with
   * auto-read off, so nothing is lost before the caller's handlers are in: turn it on (or call read) after.
   */
  public Future<SessionStream> dial(PublicKey peer) {
    PromiseInternal<SessionStream> result = context.promise();
    loop.execute(() -> dial(peer, true, result));
    return result.future();
  }

  /** Peers with a connection up or being dialled (a snapshot). */
  public Future<Set<PublicKey>> peers() {
    PromiseInternal<Set<PublicKey>> result = context.promise();
    loop.execute(() -> result.complete(Set.copyOf(conns.keySet())));
    return result.future();
  }

  /** For tests: oversize packets refused (must stay 0) and inbound datagrams dropped so far. */
  Future<long[]> counters() {
    PromiseInternal<long[]> result = context.promise();
    loop.execute(() -> result.complete(new long[] {endpoint.oversizePackets(), endpoint.droppedDatagrams()}));
    return result.future();
  }

  /** Closes every connection (application error 0) and stops taking datagrams. */
  public Future<Void> close() {
    PromiseInternal<Void> done = context.promise();
    node.trafficHandler((source, payload) -> { });
    loop.execute(() -> {
      closed = true;
      for (Conn c : new ArrayList<>(conns.values())) {
        if (c.channel != null) {
          Liveness.closeWith(c.channel, "shutdown");
        }
        c.ready.tryFailure(new IllegalStateException("sessions closed"));
      }
      conns.clear();
      // let the CONNECTION_CLOSE frames leave before the channels go
      loop.schedule(() -> {
        endpoint.close();
        done.tryComplete();
      }, 50, TimeUnit.MILLISECONDS);
    });
    return done.future();
  }

  private void dial(PublicKey peer, boolean mayRetry, PromiseInternal<SessionStream> result) {
    if (closed || peer.equals(self)) {
      result.tryFail(new IllegalStateException(closed ? "sessions closed" : "loopback dial"));
      return;
    }
    connection(peer).addListener(f -> {
      if (!f.isSuccess()) {
        result.tryFail(f.cause());
        return;
      }
      QuicChannel channel = (QuicChannel) f.getNow();
      channel.newStreamBootstrap().type(QuicStreamType.BIDIRECTIONAL).option(ChannelOption.AUTO_READ, false)
          .handler(new ChannelInboundHandlerAdapter()).create().addListener(s -> {
            if (s.isSuccess()) {
              result.tryComplete(new SessionStream(peer, (QuicStreamChannel) s.getNow(), true));
            } else if (mayRetry && !channel.isActive()) {
              forget(peer, channel); // Go's DialContext: drop the dead session and dial once more
              dial(peer, false, result);
            } else {
              result.tryFail(s.cause());
            }
          });
    });
  }

  /** The peer's connection, dialling it when there is none. */
  private io.netty.util.concurrent.Future<QuicChannel> connection(PublicKey peer) {
    Conn existing = conns.get(peer);
    if (existing != null) {
      return existing.ready;
    }
    if (liveChannels >= config.maxConnections()) {
      return loop.newFailedFuture(new IllegalStateException("too many QUIC connections (" + liveChannels + ")"));
    }
    Conn conn = new Conn(peer, loop.newPromise());
    conns.put(peer, conn);
    addresses.pin(peer);
    endpoint.dial(peer).attr(PEER, peer).handler(connectionHandler(true)).streamHandler(streamInitializer())
        .connect().addListener(f -> {
          if (f.isSuccess()) {
            QuicChannel channel = (QuicChannel) f.getNow();
            if (conns.get(peer) != conn || closed) {
              Liveness.closeWith(channel, "connection replaced"); // the peer's own connection won meanwhile
              return;
            }
            conn.channel = channel;
            conn.ready.trySuccess(channel);
          } else {
            if (conns.get(peer) == conn) {
              conns.remove(peer);
            }
            LOG.debug("QUIC dial to {} failed: {}", peer, f.cause().toString());
            conn.ready.tryFailure(f.cause());
          }
        });
    return conn.ready;
  }

  /** Counts, times and checks every QUIC connection; for inbound ones also applies the one-per-peer rule. */
  private ChannelHandler connectionHandler(boolean outbound) {
    return new ChannelInboundHandlerAdapter() {
      @Override
      public boolean isSharable() {
        return true;
      }

      @Override
      public void channelRegistered(ChannelHandlerContext ctx) {
        QuicChannel channel = (QuicChannel) ctx.channel();
        liveChannels++;
        PublicKey peer = channel.attr(PEER).get();
        if (peer == null && channel.remoteSocketAddress() instanceof java.net.InetSocketAddress a) {
          peer = addresses.keyOf(a);
          channel.attr(PEER).set(peer);
        }
        PublicKey pinned = peer;
        if (pinned != null) {
          addresses.pin(pinned);
        }
        channel.closeFuture().addListener(f -> onClosed(channel, pinned, outbound));
        if (!outbound && (liveChannels > config.maxConnections() || peer == null || closed)) {
          LOG.warn("refusing inbound QUIC connection from {}: {} connections", peer, liveChannels);
          channel.close();
          return;
        }
        loop.schedule(() -> {
          if (channel.isOpen() && !channel.isActive()) {
            LOG.debug("QUIC handshake with {} timed out", pinned);
            channel.close();
          }
        }, HANDSHAKE_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        ctx.fireChannelRegistered();
      }

      @Override
      public void channelActive(ChannelHandlerContext ctx) {
        QuicChannel channel = (QuicChannel) ctx.channel();
        PublicKey peer = channel.attr(PEER).get();
        // Belt and braces over the trust manager: a resumed session would skip it (spike trap 4).
        java.security.cert.Certificate[] chain;
        try {
          chain = channel.sslEngine().getSession().getPeerCertificates();
        } catch (javax.net.ssl.SSLPeerUnverifiedException | RuntimeException e) {
          chain = null;
        }
        if (peer == null || !SessionCertificate.proves(chain, peer)) {
          LOG.warn("QUIC connection from {} without its certificate; closing", peer);
          channel.close();
          return;
        }
        if (!outbound) {
          onInboundEstablished(peer, channel);
        }
        ctx.fireChannelActive();
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("QUIC connection {} failed: {}", ctx.channel().attr(PEER).get(), cause.toString());
        ctx.close();
      }
    };
  }

  private void onInboundEstablished(PublicKey peer, QuicChannel channel) {
    Conn existing = conns.get(peer);
    if (existing == null) {
      adopt(peer, channel, null);
    } else if (existing.channel == null) {
      // Both dialled at once: the connection dialled by the higher key stays, on both sides.
      if (self.compareTo(peer) > 0) {
        Liveness.closeWith(channel, "connection replaced");
      } else {
        adopt(peer, channel, existing);
      }
    } else if (existing.channel != channel) {
      QuicChannel old = existing.channel;
      Liveness.probe(loop, old, PROBE_MS, alive -> {
        if (!channel.isActive()) {
          return;
        }
        if (alive || conns.get(peer) != existing) {
          Liveness.closeWith(channel, "connection replaced");
        } else {
          LOG.info("QUIC connection to {} is dead (peer restarted?); taking its new one", peer);
          conns.remove(peer);
          Liveness.closeWith(old, "connection replaced");
          adopt(peer, channel, null);
        }
      });
    }
  }

  private void adopt(PublicKey peer, QuicChannel channel, Conn superseded) {
    Conn conn = new Conn(peer, superseded != null ? superseded.ready : loop.newPromise());
    conn.channel = channel;
    conns.put(peer, conn);
    conn.ready.trySuccess(channel);
    LOG.debug("QUIC connection from {} adopted", peer);
  }

  /** A peer sends to a connection of an earlier run of ours: dial it, so it learns that one is gone. */
  private void staleFrom(PublicKey peer) {
    long now = System.currentTimeMillis();
    Long last = staleDials.get(peer);
    if (closed || conns.containsKey(peer) || (last != null && now - last < STALE_REDIAL_MS)) {
      return;
    }
    staleDials.put(peer, now);
    LOG.debug("stale QUIC packet from {}: dialling it", peer);
    connection(peer);
  }

  private void forget(PublicKey peer, QuicChannel channel) {
    Conn conn = conns.get(peer);
    if (conn != null && conn.channel == channel) {
      conns.remove(peer);
    }
  }

  private void onClosed(QuicChannel channel, PublicKey peer, boolean outbound) {
    liveChannels--;
    if (peer != null) {
      forget(peer, channel);
      addresses.unpin(peer);
    }
    if (outbound) {
      endpoint.forgetClientId(channel);
    }
  }

  private ChannelHandler streamInitializer() {
    return new ChannelInitializer<QuicStreamChannel>() {
      @Override
      protected void initChannel(QuicStreamChannel stream) {
        PublicKey peer = stream.parent().attr(PEER).get();
        if (peer == null || closed) {
          stream.close();
          return;
        }
        try {
          streamHandler.accept(new SessionStream(peer, stream, false));
        } catch (RuntimeException e) {
          LOG.error("stream handler failed for a stream from {}", peer, e);
          stream.close();
        }
      }
    };
  }
}
