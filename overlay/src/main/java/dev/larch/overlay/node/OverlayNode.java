package dev.larch.overlay.node;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.discovery.MulticastDiscovery;
import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.router.Action;
import dev.larch.overlay.router.PeerType;
import dev.larch.overlay.router.RouterState;
import dev.larch.overlay.wire.Frame;
import dev.larch.overlay.wire.FrameCodec;
import dev.larch.overlay.wire.Handshake;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Pinecone node: the router on its own Vert.x context, TCP and WebSocket peerings, static peers, and the
 * datagram API ({@link #send}, {@link #trafficHandler}).
 *
 * <p>Protocol doc 2 (peerings), 6.1 (datagrams), 10 (static peers with backoff), 12.4 (manhole JSON). Everything that
 * touches the router hops onto {@link #context} first; the router itself is never shared.
 */
public final class OverlayNode {
  private static final Logger LOG = LoggerFactory.getLogger(OverlayNode.class);
  private static final long TICK_MS = 250;
  private static final long HANDSHAKE_TIMEOUT_MS = 10_000;

  private final Vertx vertx;
  private final NodeKey key;
  private final OverlayConfig config;
  private final LongSupplier clock;
  private final Map<Integer, PeerLink> links = new HashMap<>();
  private final StaticPeers staticPeers;
  private final WarnLimiter warn = new WarnLimiter(LOG);
  private final Map<String, NetClient> boundClients = new HashMap<>(); // multicast dials, by source address
  private volatile BiConsumer<PublicKey, byte[]> trafficHandler = (source, payload) -> { };
  private volatile Consumer<PeerEvent> peerHandler = event -> { };
  private volatile Consumer<PublicKey> wakeupHandler = source -> { };
  private Context context;
  private RouterState router;
  private NetServer server;
  private NetServer multicastServer;
  private MulticastDiscovery discovery;
  private NetClient netClient;
  private WebSocketClient wsClient;
  private String deploymentId;

  /**
   * A peering came up ({@code up}) or went down. {@code type} is the local peer type (doc 2.4), {@code zone} Go's
   * connection zone ("static", an interface name, or empty), {@code reason} why a link went down when we know.
   */
  public record PeerEvent(boolean up, int port, PublicKey key, PeerType type, String zone, String uri, String reason) {}

  private OverlayNode(Vertx vertx, NodeKey key, OverlayConfig config, LongSupplier clock) {
    this.vertx = vertx;
    this.key = key;
    this.config = config;
    this.clock = clock;
    this.staticPeers = new StaticPeers(this::dialForManager);
  }

  /** Starts a node with the wall clock; completes once the TCP listener (if any) is bound. */
  public static Future<OverlayNode> start(Vertx vertx, NodeKey key, OverlayConfig config) {
    OverlayNode node = new OverlayNode(vertx, key, config, System::currentTimeMillis);
    return vertx.deployVerticle(node.new Shell()).map(id -> {
      node.deploymentId = id;
      return node;
    });
  }

  /** The verticle whose context owns the router. */
  private final class Shell extends VerticleBase {
    @Override
    public Future<?> start() {
      OverlayNode.this.context = super.context;
      router = new RouterState(key, new SecureRandom(), config.hopLimiting(), clock.getAsLong());
      netClient = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5_000).setTcpNoDelay(true));
      wsClient = vertx.createWebSocketClient();
      vertx.setPeriodic(TICK_MS, id -> tick());
      vertx.setPeriodic(StaticPeers.CHECK_INTERVAL_MS, id -> staticPeers.check(clock.getAsLong()));
      config.staticPeers().forEach(uri -> staticPeers.add(uri, clock.getAsLong()));
      Future<?> multicast = config.multicast() ? startMulticast() : Future.succeededFuture();
      if (config.listenPort() < 0) {
        return multicast;
      }
      return multicast.compose(v -> vertx.createNetServer()
          .connectHandler(socket -> attach(Transports.tcp(socket, "", OverlayNode.this::onContext), "",
              PeerType.REMOTE, false))
          .listen(config.listenPort(), config.listenHost())
          .onSuccess(s -> {
            server = s;
            LOG.info("overlay listening tcp={}:{} key={}", config.listenHost(), s.actualPort(), key.publicKey());
          }));
    }
  }

  /**
   * Go's {@code Multicast.Start}: a dedicated TCP listener on {@code [::]:0} whose port the beacons advertise (not
   * the {@code --overlay-listen} port), then discovery, driven by {@link #tick}.
   */
  private Future<?> startMulticast() {
    return listenForMulticast("::").recover(e -> listenForMulticast("0.0.0.0")).onSuccess(s -> {
      multicastServer = s;
      discovery = new MulticastDiscovery(new DiscoveryHost(), config.multicastInterfaces(), this::onContext);
      LOG.info("multicast discovery on, advertising tcp port {}", s.actualPort());
    });
  }

  private Future<NetServer> listenForMulticast(String host) {
    return vertx.createNetServer(new io.vertx.core.net.NetServerOptions().setTcpNoDelay(true))
        .connectHandler(socket -> attach(Transports.tcp(socket, "", this::onContext), zoneOf(socket.remoteAddress()),
            PeerType.MULTICAST, false))
        .listen(0, host);
  }

  /** Go's zone of an inbound multicast peering: the IPv6 scope (interface name), empty for IPv4. */
  private static String zoneOf(SocketAddress address) {
    String host = address.hostAddress();
    int percent = host == null ? -1 : host.indexOf('%');
    return percent < 0 ? "" : host.substring(percent + 1);
  }

  private void tick() {
    long now = clock.getAsLong();
    run(router.tick(now));
    for (PeerLink link : new ArrayList<>(links.values())) {
      link.checkStall(now);
    }
    if (discovery != null) {
      discovery.tick(now);
    }
  }

  /** Discovery's view of this node; every call arrives on the context. */
  private final class DiscoveryHost implements MulticastDiscovery.Host {
    @Override
    public PublicKey self() {
      return key.publicKey();
    }

    @Override
    public int advertisedPort() {
      return multicastServer.actualPort();
    }

    @Override
    public boolean isConnected(PublicKey peer, String zone) {
      return links.values().stream().anyMatch(l -> !l.closed && peer.equals(l.remote) && zone.equals(l.zone));
    }

    @Override
    public void dial(InetSocketAddress remote, InetAddress local, String zone, Runnable done) {
      String bind = local == null ? "" : local.getHostAddress();
      NetClient client = boundClients.computeIfAbsent(bind, b -> {
        NetClientOptions options = new NetClientOptions().setConnectTimeout(5_000).setTcpNoDelay(true)
            .setTcpKeepAlive(true);
        return vertx.createNetClient(b.isEmpty() ? options : options.setLocalAddress(b));
      });
      client.connect(SocketAddress.inetSocketAddress(remote)).onComplete(result -> onContext(() -> {
        if (result.succeeded()) {
          attach(Transports.tcp(result.result(), "", OverlayNode.this::onContext), zone, PeerType.MULTICAST, true);
        } else {
          LOG.debug("multicast dial to {} failed: {}", remote, result.cause().toString());
        }
        done.run();
      }));
    }
  }

  public PublicKey publicKey() {
    return key.publicKey();
  }

  /**
   * The event-loop context that owns the router; {@link #trafficHandler} runs on it and {@link #send} from it costs
   * no thread hop, which is why the QUIC sessions layer runs there too.
   */
  public Context context() {
    return context;
  }

  /** The bound TCP port, or -1 when not listening. */
  public int tcpPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** Receives every datagram addressed to us, with its source key; called on the node's context. */
  public void trafficHandler(BiConsumer<PublicKey, byte[]> handler) {
    this.trafficHandler = handler;
  }

  /**
   * Receives the source of each accepted wakeup broadcast (Go's {@code BroadcastReceived}): a node that was away is
   * back, so queued deliveries to it should be retried now. Called on the node's context.
   */
  public void wakeupHandler(Consumer<PublicKey> handler) {
    this.wakeupHandler = handler;
  }

  /** Receives peering up/down events; called on the node's context. */
  public void peerHandler(Consumer<PeerEvent> handler) {
    this.peerHandler = handler;
  }

  /** The TCP port the multicast beacons advertise, or -1 when discovery is off. */
  public int multicastPort() {
    return multicastServer == null ? -1 : multicastServer.actualPort();
  }

  /** Sends one datagram (at most 1200 bytes) towards {@code destination}; best effort, like UDP. */
  public void send(PublicKey destination, byte[] payload) {
    if (payload.length > RouterState.MAX_ORIGINATED_PAYLOAD) {
      throw new IllegalArgumentException("overlay datagrams are capped at " + RouterState.MAX_ORIGINATED_PAYLOAD
          + " bytes, got " + payload.length);
    }
    if (((ContextInternal) context).nettyEventLoop().inEventLoop()) {
      // The sessions layer sends each QUIC packet from the node's own event loop (a raw Netty task, so not "on" the
      // Vert.x context): route it now rather than as one Vert.x task and one more copy per 1.2 KB packet.
      // RouterState.send copies the payload before this returns.
      run(router.send(destination, payload, clock.getAsLong()));
      return;
    }
    byte[] copy = payload.clone();
    onContext(() -> run(router.send(destination, copy, clock.getAsLong())));
  }

  /** Dials once: {@code host:port} over TCP, or a {@code ws://}/{@code wss://} URL. Completes when connected. */
  public Future<Void> dial(String uri) {
    Promise<Void> done = Promise.promise();
    onContext(() -> dialForManager(uri).onComplete(done));
    return done.future();
  }

  /** Adds a static peer: dialled now and redialled with Go's backoff whenever it is down (protocol doc 10). */
  public void addStaticPeer(String uri) {
    onContext(() -> staticPeers.add(uri, clock.getAsLong()));
  }

  /** The handler to mount at {@code /ws} on an HTTP server: inbound WebSocket peering (protocol doc 2.4). */
  public Handler<ServerWebSocket> webSocketHandler() {
    return ws -> {
      ws.pause(); // the HTTP server's context is not ours: hold bytes until the link is wired on our context
      onContext(() -> {
        attach(Transports.websocket(ws, "ws://" + ws.remoteAddress(), this::onContext), "", PeerType.REMOTE, false);
        ws.resume();
      });
    };
  }

  /** The router state as Go's manhole JSON (Dendrite serves it at {@code GET /pinecone}). */
  public Future<JsonObject> manholeJson() {
    Promise<JsonObject> result = Promise.promise();
    onContext(() -> result.complete(new JsonObject(router.manhole().toMap(port -> {
      PeerLink link = links.get(port);
      return link == null ? null : link.counters.clone();
    }))));
    return result.future();
  }

  /** Closes every peering and the listener. */
  public Future<Void> close() {
    Promise<Void> done = Promise.promise();
    onContext(() -> {
      staticPeers.clear();
      if (discovery != null) {
        discovery.close();
      }
      new ArrayList<>(links.values()).forEach(PeerLink::close);
      vertx.undeploy(deploymentId).onComplete(done);
    });
    return done.future();
  }

  private Future<Void> dialForManager(String uri) {
    if (uri.startsWith("ws://") || uri.startsWith("wss://")) {
      return wsClient.connect(new WebSocketConnectOptions().setAbsoluteURI(uri)).map(ws -> {
        attach(Transports.websocket(ws, uri, this::onContext), "static", PeerType.REMOTE, true);
        return null;
      });
    }
    int colon = uri.lastIndexOf(':');
    if (colon <= 0) {
      return Future.failedFuture(new IllegalArgumentException("static peer must be host:port, ws:// or wss://"));
    }
    String host = uri.substring(0, colon).replace("[", "").replace("]", "");
    int port = Integer.parseInt(uri.substring(colon + 1));
    return netClient.connect(port, host).map(socket -> {
      attach(Transports.tcp(socket, uri, this::onContext), "static", PeerType.REMOTE, true);
      return null;
    });
  }

  /** Writes our handshake at once (Go does not wait either), then feeds whatever arrives into the link. */
  private void attach(PeerLink.Transport transport, String zone, PeerType type, boolean outbound) {
    PeerLink link = new PeerLink(transport, zone, outbound, clock,
        task -> ((ContextInternal) context).nettyEventLoop().execute(task));
    transport.write(Buffer.buffer(Handshake.build(key)));
    staticPeers.linked(transport.uri(), link);
    vertx.setTimer(HANDSHAKE_TIMEOUT_MS, id -> {
      if (link.remote == null && !link.closed) {
        warn.peer("handshake timeout uri={}", transport.uri());
        link.close();
      }
    });
    transport.bind(data -> onBytes(link, data, type), () -> onClosed(link, type));
  }

  private void onBytes(PeerLink link, Buffer data, PeerType type) {
    if (link.closed) {
      return;
    }
    try {
      link.onBytes(data, () -> {
        RouterState.PeerAdded added = router.addPeer(link.remote, type, link.zone, link.transport().uri(),
            clock.getAsLong());
        if (added.port() < 0) {
          warn.peer("no free switch ports, refusing key={}", link.remote);
          link.close();
          return;
        }
        link.port = added.port();
        links.put(link.port, link);
        LOG.info("peer up port={} key={} uri={}", link.port, link.remote, link.transport().uri());
        emit(new PeerEvent(true, link.port, link.remote, type, link.zone, link.transport().uri(), null));
        run(added.actions());
      }, (bytes, offset, length) -> {
        if (link.closed) {
          return;
        }
        Frame frame = FrameCodec.decode(bytes, offset, length); // copies what it keeps: the bytes are reused
        link.counters[frame.type() == Frame.TYPE_TRAFFIC ? 2 : 0] += length;
        run(router.onFrame(link.port, frame, clock.getAsLong()));
      });
    } catch (BadPeerException e) {
      warn.peer("dropping peer port={} key={}: {}", link.port, link.remote, e.getMessage());
      if (link.port > 0) {
        run(router.onBadPeer(link.port, e.getMessage(), clock.getAsLong()));
      }
      link.close();
    }
  }

  private void onClosed(PeerLink link, PeerType type) {
    link.closed = true;
    staticPeers.unlinked(link.transport().uri(), link);
    if (link.closeReason != null) {
      warn.peer("dropping peer port={} key={}: {}", link.port, link.remote, link.closeReason);
    }
    if (link.port > 0 && links.get(link.port) == link) {
      links.remove(link.port);
      LOG.info("peer down port={} key={}", link.port, link.remote);
      run(router.removePeer(link.port, clock.getAsLong()));
    }
    if (link.port > 0) {
      emit(new PeerEvent(false, link.port, link.remote, type, link.zone, link.transport().uri(), link.closeReason));
    }
  }

  private void emit(PeerEvent event) {
    try {
      peerHandler.accept(event);
    } catch (RuntimeException e) {
      LOG.error("peer handler failed", e);
    }
  }

  /** Executes router actions; must run on the context. */
  private void run(List<Action> actions) {
    for (Action action : actions) {
      if (action instanceof Action.Send s) {
        PeerLink link = links.get(s.port());
        if (link != null) {
          link.write(FrameCodec.encode(s.frame()), s.frame() instanceof Frame.Traffic);
        }
      } else if (action instanceof Action.Disconnect d) {
        PeerLink link = links.remove(d.port());
        warn.peer("dropping peer port={}: {}", d.port(), d.reason());
        if (link != null) {
          link.close();
        }
      } else if (action instanceof Action.Deliver d) {
        if (d.destination().equals(key.publicKey())) {
          try {
            trafficHandler.accept(d.source(), d.payload());
          } catch (RuntimeException e) {
            LOG.error("traffic handler failed source={}", d.source(), e);
          }
        } else {
          LOG.debug("misdelivered traffic for {} dropped (protocol doc 5.8)", d.destination());
        }
      } else if (action instanceof Action.BroadcastReceived b) {
        LOG.debug("wakeup broadcast from {}", b.source());
        try {
          wakeupHandler.accept(b.source());
        } catch (RuntimeException e) {
          LOG.error("wakeup handler failed source={}", b.source(), e);
        }
      }
    }
  }

  private void onContext(Runnable task) {
    if (Vertx.currentContext() == context) {
      task.run();
    } else {
      context.runOnContext(v -> task.run());
    }
  }
}
