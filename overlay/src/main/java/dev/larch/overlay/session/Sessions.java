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
import io.netty.handler.codec.quic.QuicConnectionCloseEvent;
import io.netty.handler.codec.quic.QuicStreamChannel;
import io.netty.handler.codec.quic.QuicStreamType;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Promise;
import io.vertx.core.Future;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.internal.PromiseInternal;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
 * <p>Protocol doc 6 (Go's {@code sessions/*.go}). {@link #dial} opens a stream on the peer's <em>current</em>
 * connection (connecting first if there is none; if that fails on a dead connection it forgets it and re-dials once,
 * as Go). {@link #streamHandler} receives every stream a peer opens, on every connection of either direction, so a
 * connection we no longer open streams on still answers the peer's requests until it idles out.
 *
 * <p>Which connection is current. A peer dials only when it holds no usable connection to us (Go and Larch alike),
 * so an inbound connection from a peer that has an established one becomes current at once; the old one is probed (a
 * stream with only a FIN must draw an acknowledgement within {@link #PROBE_MS}) and closed if dead, so our requests
 * on it are retried at once rather than after the idle timeout (the peer restarted). Both nodes dialling at once
 * (an inbound connection while our own dial is in flight or just up): after the probe, both sides use the
 * connection dialled by the higher key; the other idles out. Nothing is closed in a race, because Go's side
 * may already carry a request on it.
 *
 * <p>Go's rule differs, and we adapt to it rather than copy it: Go's listener closes a second inbound connection with
 * application error 0 "connection replaced", then stores that closed connection as the peer's session, which its
 * accept loop then deletes ({@code sessions/listen.go} at the pinned commit). So after a dial race Go holds no
 * session with us, and the connection it dialled accepts at most one more of our streams. When a peer closes one of
 * our connections with that reason we stop opening streams on every connection to it, close our own streams on them
 * (the HTTP client retries their requests once), serve what the peer still sends there, and wait {@link #HOLD_OFF_MS}
 * for the peer to dial us (its own retry) before dialling it afresh, which avoids racing it a second time. Its racing
 * dial may finish its handshake here only after the "replaced" (it was already under way): such a connection is
 * marked {@code PEERS_ONLY} and never adopted, and requests that waited for our replaced dial wait for the next
 * connection instead (before this, 19 of 20 racing requests could time out on it).
 * Larch never sends that reason. A short-header packet for a connection ID of an earlier run of this node means the
 * peer still talks to that run: we dial it, so it learns the old connection is gone (a Go peer closes our dial as
 * "replaced", which drops its stale session too).
 *
 * <p>Everything runs on the node's own event-loop context (its Netty loop drives quiche), so a datagram never changes
 * threads between the router and quiche; returned futures complete there.
 * {@link #start} takes over the node's {@link OverlayNode#trafficHandler}.
 */
public final class Sessions {
  private static final Logger LOG = LoggerFactory.getLogger(Sessions.class);
  static final long PROBE_MS = 1_500;
  /** How long our dial counts as "just up": an inbound connection from the peer within it is a dial race. */
  static final long RACE_WINDOW_MS = 3_000;
  /** After Go's "connection replaced", how long we wait for the peer to dial us before we dial it. */
  static final long HOLD_OFF_MS = 1_000;
  /** Live connections per peer; past it the oldest one we no longer use is closed. */
  static final int MAX_CONNECTIONS_PER_PEER = 4;
  static final String REPLACED = "connection replaced";
  private static final long HANDSHAKE_TIMEOUT_MS = 5_000; // quic-go's HandshakeIdleTimeout
  private static final long STALE_REDIAL_MS = 2_000;
  private static final AttributeKey<PublicKey> PEER = AttributeKey.valueOf("larch.session.peer");
  private static final AttributeKey<Set<QuicStreamChannel>> OUR_STREAMS = AttributeKey.valueOf("larch.session.ours");
  private static final AttributeKey<Conn> DIAL = AttributeKey.valueOf("larch.session.dial");
  // A peer's connection that was already up or handshaking when it closed one of ours as "connection replaced":
  // its racing dial, which will not accept our streams; it only serves the peer's.
  private static final AttributeKey<Boolean> PEERS_ONLY = AttributeKey.valueOf("larch.session.peersOnly");

  private final ContextInternal context;
  private final EventLoop loop;
  private final DatagramPort port;
  private final PublicKey self;
  private final SessionConfig config;
  private final PeerAddresses addresses = new PeerAddresses();
  private final Map<PublicKey, Conn> conns = new HashMap<>(); // the current connection per peer
  private final Map<PublicKey, Set<QuicChannel>> live = new HashMap<>(); // every open connection per peer
  private final Map<PublicKey, Promise<QuicChannel>> awaiting = new HashMap<>(); // held off after "replaced"
  private final Map<PublicKey, Long> staleDials = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<PublicKey, Long> eldest) {
      return size() > 1024;
    }
  };
  private QuicEndpoint endpoint;
  private volatile Consumer<SessionStream> streamHandler = s -> s.channel().close();
  private int liveChannels;
  private int races;
  private boolean closed;

  /** The peer's current connection: dialled by us and maybe still handshaking, or established either way. */
  private static final class Conn {
    final PublicKey peer;
    final Promise<QuicChannel> ready;
    final boolean outbound;
    QuicChannel channel;
    long establishedAt;
    /** The peer's own connection, which came up while this dial was in flight. */
    QuicChannel raced;
    /** The peer closed this dial as "connection replaced" before we saw it up: its outcome no longer matters. */
    boolean replacedByPeer;

    Conn(PublicKey peer, Promise<QuicChannel> ready, boolean outbound) {
      this.peer = peer;
      this.ready = ready;
      this.outbound = outbound;
    }
  }

  private Sessions(DatagramPort port, SessionConfig config) {
    // The node's own context: every datagram in and out then stays on one thread (no hop, no wake-up per packet).
    this.context = (ContextInternal) port.context();
    this.loop = context.nettyEventLoop();
    this.port = port;
    this.self = port.publicKey();
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
    return start(DatagramPort.of(node), identity, config);
  }

  /** Over any datagram port: tests and measurements use an in-memory pipe. */
  static Future<Sessions> start(DatagramPort port, SessionCertificate identity, SessionConfig config) {
    Sessions sessions = new Sessions(port, config);
    PromiseInternal<Sessions> started = sessions.context.promise();
    sessions.loop.execute(() -> {
      sessions.endpoint = new QuicEndpoint(sessions.loop, sessions.self, identity, config,
          sessions.addresses, port::send, sessions.connectionHandler(false), sessions.streamInitializer(),
          sessions::staleFrom);
      sessions.endpoint.start().addListener(f -> {
        if (f.isSuccess()) {
          port.receiver(sessions.endpoint::deliver);
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

  /**
   * For tests: oversize packets refused (must stay 0), inbound datagrams dropped, dial races seen, and open QUIC
   * connections so far.
   */
  Future<long[]> counters() {
    PromiseInternal<long[]> result = context.promise();
    loop.execute(() -> result.complete(new long[] {endpoint.oversizePackets(), endpoint.droppedDatagrams(), races,
        liveChannels}));
    return result.future();
  }

  /** For tests: who dialled the current connection to {@code peer} (null when there is none). */
  Future<PublicKey> currentDialler(PublicKey peer) {
    PromiseInternal<PublicKey> result = context.promise();
    loop.execute(() -> {
      Conn c = conns.get(peer);
      result.complete(c == null || c.channel == null ? null : c.outbound ? self : peer);
    });
    return result.future();
  }

  /** Closes every connection (application error 0) and stops taking datagrams. */
  public Future<Void> close() {
    PromiseInternal<Void> done = context.promise();
    port.receiver((source, payload) -> { });
    loop.execute(() -> {
      closed = true;
      for (Conn c : new ArrayList<>(conns.values())) {
        c.ready.tryFailure(new IllegalStateException("sessions closed"));
      }
      for (Set<QuicChannel> channels : new ArrayList<>(live.values())) {
        for (QuicChannel channel : new ArrayList<>(channels)) {
          Liveness.closeWith(channel, "shutdown");
        }
      }
      for (Promise<QuicChannel> held : awaiting.values()) {
        held.tryFailure(new IllegalStateException("sessions closed"));
      }
      conns.clear();
      awaiting.clear();
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
              QuicStreamChannel stream = (QuicStreamChannel) s.getNow();
              Set<QuicStreamChannel> ours = channel.attr(OUR_STREAMS).get();
              if (ours != null) { // ours, so that a "connection replaced" from a Go peer can fail them over
                ours.add(stream);
                stream.closeFuture().addListener(x -> ours.remove(stream));
              }
              result.tryComplete(new SessionStream(peer, stream, true));
            } else if (mayRetry && !channel.isActive()) {
              forget(peer, channel); // Go's DialContext: drop the dead session and dial once more
              dial(peer, false, result);
            } else {
              result.tryFail(s.cause());
            }
          });
    });
  }

  /** The peer's current connection, dialling it when there is none (after any hold-off). */
  private io.netty.util.concurrent.Future<QuicChannel> connection(PublicKey peer) {
    Conn existing = conns.get(peer);
    if (existing != null) {
      return existing.ready;
    }
    Promise<QuicChannel> held = awaiting.get(peer);
    if (held != null) {
      return held;
    }
    if (liveChannels >= config.maxConnections()) {
      return loop.newFailedFuture(new IllegalStateException("too many QUIC connections (" + liveChannels + ")"));
    }
    Conn conn = new Conn(peer, loop.newPromise(), true);
    conns.put(peer, conn);
    addresses.pin(peer);
    endpoint.dial(peer).attr(PEER, peer).attr(DIAL, conn).handler(connectionHandler(true)).streamHandler(streamInitializer())
        .connect().addListener(f -> {
          if (f.isSuccess()) {
            QuicChannel channel = (QuicChannel) f.getNow();
            if (closed) {
              Liveness.closeWith(channel, "shutdown");
              return;
            }
            if (conns.get(peer) != conn) {
              return; // superseded meanwhile: it serves whatever the peer opens on it, then idles out
            }
            conn.channel = channel;
            conn.establishedAt = System.currentTimeMillis();
            conn.ready.trySuccess(channel);
            if (conn.raced != null && conn.raced.isActive()) {
              resolveRace(conn, conn.raced);
            }
          } else {
            if (conns.get(peer) == conn) {
              conns.remove(peer);
              if (conn.raced != null && conn.raced.isActive() && !Boolean.TRUE.equals(conn.raced.attr(PEERS_ONLY).get())) {
                adopt(peer, conn.raced, conn.ready); // our dial failed but the peer's own connection is up
                return;
              }
            }
            LOG.debug("QUIC dial to {} failed: {}", peer, f.cause().toString());
            if (!conn.replacedByPeer) { // else its requests already wait for the next connection
              conn.ready.tryFailure(f.cause());
            }
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
          live.computeIfAbsent(pinned, k -> new LinkedHashSet<>()).add(channel);
        }
        channel.attr(OUR_STREAMS).set(new HashSet<>());
        channel.closeFuture().addListener(f -> onClosed(channel, pinned, outbound));
        if (!outbound && (liveChannels > config.maxConnections() || peer == null || closed)) {
          LOG.warn("refusing inbound QUIC connection from {}: {} connections", peer, liveChannels);
          channel.close();
          return;
        }
        if (pinned != null) {
          capPerPeer(pinned);
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
      public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
        if (event instanceof QuicConnectionCloseEvent close && close.isApplicationClose() && close.error() == 0
            && REPLACED.equals(new String(close.reason(), StandardCharsets.US_ASCII))) {
          PublicKey peer = ctx.channel().attr(PEER).get();
          if (peer != null && !closed) {
            onReplacedByPeer(peer, (QuicChannel) ctx.channel());
          }
        }
        ctx.fireUserEventTriggered(event);
      }

      @Override
      public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("QUIC connection {} failed: {}", ctx.channel().attr(PEER).get(), cause.toString());
        ctx.close();
      }
    };
  }

  private void onInboundEstablished(PublicKey peer, QuicChannel channel) {
    if (Boolean.TRUE.equals(channel.attr(PEERS_ONLY).get())) {
      LOG.debug("QUIC connection from {} raced one it replaced: serving it, not adopting it", peer);
      return; // we wait for the peer's next dial, or dial afresh after the hold-off
    }
    Conn current = conns.get(peer);
    if (current == null) {
      adopt(peer, channel, awaiting.remove(peer));
    } else if (current.channel == null) {
      races++; // our dial is in flight: settled once it is up (or adopted if it fails)
      current.raced = channel;
      LOG.debug("QUIC dial race with {}: our dial is in flight", peer);
    } else if (current.channel != channel) {
      if (current.outbound && System.currentTimeMillis() - current.establishedAt < RACE_WINDOW_MS) {
        races++;
        LOG.debug("QUIC dial race with {}: our dial is just up", peer);
        resolveRace(current, channel);
        return;
      }
      // The peer dialled although we hold a connection: it has none it can use (it restarted, or idled ours out
      // first). Its connection is current from now; ours is closed if it turns out dead, so that our requests on it
      // are retried now rather than after the idle timeout.
      QuicChannel old = current.channel;
      adopt(peer, channel, null);
      Liveness.probe(loop, old, PROBE_MS, alive -> {
        if (!alive && old.isOpen()) {
          LOG.info("QUIC connection to {} is dead (peer restarted?); closing it", peer);
          Liveness.closeWith(old, "connection lost");
        }
      });
    }
  }

  /**
   * Both sides dialled at once: {@code ours} (our dial, now up) and {@code theirs}. Requests keep using ours while
   * we probe it; then both sides settle on the connection the higher key dialled, and the other idles out. A Go peer
   * closes ours with "connection replaced" first ({@link #onReplacedByPeer}), which makes this a no-op.
   */
  private void resolveRace(Conn ours, QuicChannel theirs) {
    PublicKey peer = ours.peer;
    QuicChannel channel = ours.channel;
    Liveness.probe(loop, channel, PROBE_MS, alive -> {
      if (conns.get(peer) != ours || closed) {
        return; // replaced or closed meanwhile
      }
      if (!alive) {
        Liveness.closeWith(channel, "connection lost");
        if (theirs.isActive()) {
          adopt(peer, theirs, null);
        }
      } else if (self.compareTo(peer) < 0 && theirs.isActive()) {
        LOG.debug("QUIC dial race with {} settled on its connection", peer);
        adopt(peer, theirs, null); // ours keeps serving the peer's streams until it idles out
      }
    });
  }

  /**
   * The peer closed {@code replaced} with Go's "connection replaced": it keeps no session with us any more, and the
   * connection it dialled will not accept our streams. Stop using every connection to it, fail our streams on them
   * over (the HTTP client retries their requests once) and give the peer {@link #HOLD_OFF_MS} to dial us first.
   */
  private void onReplacedByPeer(PublicKey peer, QuicChannel replaced) {
    LOG.debug("QUIC connection to {} replaced by the peer; its other connections no longer take our streams", peer);
    Conn current = conns.get(peer);
    Promise<QuicChannel> waiting = null;
    if (current != null && current.channel == null && replaced.attr(DIAL).get() == current) {
      // Our dial, closed before its handshake finished here (the close overtook it): the requests waiting for it
      // take the next connection, never the peer's raced one, which will not accept them.
      current.replacedByPeer = true;
      conns.remove(peer);
      waiting = current.ready;
    } else if (current != null && current.channel != null) {
      conns.remove(peer);
    }
    for (QuicChannel other : new ArrayList<>(live.getOrDefault(peer, Set.of()))) {
      if (other != replaced) {
        other.attr(PEERS_ONLY).set(true);
        for (QuicStreamChannel stream : new ArrayList<>(other.attr(OUR_STREAMS).get())) {
          stream.close();
        }
      }
    }
    if (conns.get(peer) == null && !awaiting.containsKey(peer)) {
      Promise<QuicChannel> held = loop.newPromise();
      awaiting.put(peer, held);
      loop.schedule(() -> {
        if (awaiting.remove(peer, held) && !closed) {
          completeWith(connection(peer), held);
        }
      }, HOLD_OFF_MS, TimeUnit.MILLISECONDS);
    }
    if (waiting != null) {
      completeWith(connection(peer), waiting);
    }
  }

  private static void completeWith(io.netty.util.concurrent.Future<QuicChannel> from, Promise<QuicChannel> to) {
    from.addListener(f -> {
      if (f.isSuccess()) {
        to.trySuccess((QuicChannel) f.getNow());
      } else {
        to.tryFailure(f.cause());
      }
    });
  }

  /** A peer dialling again and again keeps at most a few connections: the oldest we no longer use goes. */
  private void capPerPeer(PublicKey peer) {
    Set<QuicChannel> channels = live.get(peer);
    Conn current = conns.get(peer);
    for (QuicChannel channel : new ArrayList<>(channels)) {
      if (channels.size() <= MAX_CONNECTIONS_PER_PEER) {
        return;
      }
      if (current == null || current.channel != channel) {
        channels.remove(channel);
        Liveness.closeWith(channel, "too many connections");
      }
    }
  }

  private void adopt(PublicKey peer, QuicChannel channel, Promise<QuicChannel> ready) {
    Conn conn = new Conn(peer, ready != null ? ready : loop.newPromise(), false);
    conn.channel = channel;
    conn.establishedAt = System.currentTimeMillis();
    conns.put(peer, conn);
    conn.ready.trySuccess(channel);
    LOG.debug("QUIC connection from {} adopted", peer);
  }

  /** A peer sends to a connection of an earlier run of ours: dial it, so it learns that one is gone. */
  private void staleFrom(PublicKey peer) {
    long now = System.currentTimeMillis();
    Long last = staleDials.get(peer);
    if (closed || conns.containsKey(peer) || awaiting.containsKey(peer)
        || (last != null && now - last < STALE_REDIAL_MS)) {
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
      Set<QuicChannel> channels = live.get(peer);
      if (channels != null && channels.remove(channel) && channels.isEmpty()) {
        live.remove(peer);
      }
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
