package dev.larch.server.p2p;

import dev.larch.federation.transport.FederationTransport;
import dev.larch.http.JsonResponse;
import dev.larch.overlay.http.OverlayHttpClient;
import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.node.OverlayConfig;
import dev.larch.overlay.node.OverlayNode;
import dev.larch.overlay.session.SessionConfig;
import dev.larch.overlay.session.Sessions;
import dev.larch.server.config.HostPort;
import dev.larch.server.config.OverlaySettings;
import dev.larch.server.identity.NodeIdentity;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The overlay node as the server runs it: keyed by the node's signing key, peered with over TCP, at {@code /ws} on
 * the client HTTP server and through static peers, and shown at {@code GET /pinecone}.
 *
 * <p>One key for both roles is what makes a P2P server name routable: the name is the hex public key, and the
 * overlay delivers to public keys (Dendrite's Pinecone demo does the same).
 */
public final class OverlayService {
  /** Where WebSocket peers connect on the client port (Dendrite's path). */
  public static final String WS_PATH = "/ws";
  /** Where the router's state is served as JSON on the client port (Dendrite's path and shape). */
  public static final String MANHOLE_PATH = "/pinecone";

  /** Federation requests over the overlay give up after this long (Go's federation client: 30 s). */
  static final long REQUEST_TIMEOUT_MS = 30_000;
  /** The largest federation response taken from a peer (a big {@code send_join} state, or media). */
  static final int MAX_RESPONSE_BYTES = 64 << 20;
  /** The largest federation request body taken from a peer (a transaction of 50 PDUs of 64 KB, with room). */
  static final int MAX_REQUEST_BYTES = 8 << 20;

  private static final Logger log = LoggerFactory.getLogger(OverlayService.class);

  private final Vertx vertx;
  private final OverlayNode node;
  private final Sessions sessions;
  private final OverlaySettings settings;
  private final OverlayHttpClient httpClient;
  private final OverlayPeers peers = new OverlayPeers();
  private OverlayFederationServer federationServer;
  private long statusTimer = -1;

  private OverlayService(Vertx vertx, OverlayNode node, Sessions sessions, OverlaySettings settings) {
    this.vertx = vertx;
    this.node = node;
    this.sessions = sessions;
    this.settings = settings;
    this.httpClient = new OverlayHttpClient(sessions, SessionConfig.defaults().maxStreamsPerPeer(),
        MAX_RESPONSE_BYTES, REQUEST_TIMEOUT_MS);
    peers.attach(node);
  }

  /**
   * Starts the overlay node and its QUIC sessions layer; completes once the TCP listener is bound, and dials the
   * static peers.
   */
  public static Future<OverlayService> start(Vertx vertx, NodeIdentity identity, OverlaySettings settings) {
    NodeKey key = nodeKey(identity);
    return OverlayNode.start(vertx, key, overlayConfig(settings))
        .compose(node -> Sessions.start(node, key, SessionConfig.defaults())
            .map(sessions -> new OverlayService(vertx, node, sessions, settings))
            .recover(e -> node.close().transform(v -> Future.failedFuture(e))));
  }

  /** Federation requests to 64-hex destinations, over QUIC sessions on this node. */
  public FederationTransport federationTransport() {
    return new OverlayFederationTransport(httpClient, node.publicKey());
  }

  /** Serves {@code federationRouter} (the federation, key and media API) to overlay peers. */
  public Future<Void> serveFederation(Handler<HttpServerRequest> federationRouter) {
    return OverlayFederationServer.start(vertx, sessions, federationRouter, MAX_REQUEST_BYTES)
        .onSuccess(server -> this.federationServer = server)
        .mapEmpty();
  }

  /** The P2P servers around: direct peers, and a signal when one shows up. */
  public OverlayPeers peers() {
    return peers;
  }

  /** The overlay key with the same ed25519 seed as the signing key, hence the same public key. */
  static NodeKey nodeKey(NodeIdentity identity) {
    byte[] seed = identity.signingKey().seed();
    try {
      return NodeKey.fromSeed(seed);
    } finally {
      Arrays.fill(seed, (byte) 0); // NodeKey keeps its own copy; this one need not linger on the heap
    }
  }

  /** The overlay's own config for validated {@code settings}; hop limiting on, as Dendrite runs it. */
  static OverlayConfig overlayConfig(OverlaySettings settings) {
    HostPort listen = settings.listenAddress();
    return new OverlayConfig(listen.host(), listen.port(), settings.staticPeers(), settings.multicastOn(), true);
  }

  /**
   * Serves WebSocket peering at {@link #WS_PATH} and the router JSON at {@link #MANHOLE_PATH} on the client HTTP
   * server; call before it listens. Other WebSocket paths are refused with 404: no Matrix API uses WebSockets.
   */
  public void mount(HttpServer server, Router clientRouter) {
    server.webSocketHandshakeHandler(handshake -> {
      if (WS_PATH.equals(handshake.path())) {
        handshake.accept();
      } else {
        handshake.reject(404);
      }
    });
    server.webSocketHandler(node.webSocketHandler());
    // Added after the client API's failure handler, which still applies: Vert.x restarts a failed request's routing
    // from the first route to find failure handlers.
    clientRouter.get(MANHOLE_PATH).handler(this::manhole);
  }

  private void manhole(RoutingContext ctx) {
    // The node answers on its own context; the response is finished back on the request's.
    Context requestContext = Vertx.currentContext();
    node.manholeJson()
        .map(json -> JsonResponse.encode(json.getMap()))
        .onComplete(result -> requestContext.runOnContext(v -> {
          if (result.succeeded()) {
            JsonResponse.end(ctx, 200, result.result());
          } else {
            ctx.fail(result.cause());
          }
        }));
  }

  /** The bound TCP peering port (the real one when port 0 was asked for). */
  public int tcpPort() {
    return node.tcpPort();
  }

  /** The node's Pinecone public key as 64 hex digits. */
  public String publicKeyHex() {
    return node.publicKey().hex();
  }

  /**
   * Logs, once at startup, who this node is on the overlay and the exact addresses another node can be given as
   * {@code --static-peer}, so a user can connect two machines without reading any docs.
   */
  public void logPeering(NodeIdentity identity, HostPort clientAddress) {
    HostPort tcp = new HostPort(settings.listenAddress().host(), tcpPort());
    String howTo =
        PeerAddresses.howTo(PeerAddresses.forOthers(tcp, ""), PeerAddresses.forOthers(clientAddress, WS_PATH));
    log.info(
        "overlay up pinecone_key={} server_name={} peer_tcp={} peer_ws=ws://{}{} multicast={} static_peers={}; {}",
        publicKeyHex(),
        identity.serverName(),
        tcp,
        clientAddress,
        WS_PATH,
        settings.multicastOn() ? "on" : "off",
        settings.staticPeers().size(),
        howTo);
  }

  /** Logs {@link OverlayStatus} every {@code periodMs}: peers, tree root, routes, traffic. */
  public void logStatusEvery(long periodMs) {
    statusTimer = vertx.setPeriodic(periodMs, id -> node.manholeJson()
        .onSuccess(json -> log.info(OverlayStatus.line(json)))
        .onFailure(e -> log.debug("overlay status unavailable", e)));
  }

  /** Closes the federation server, every session, every peering and the TCP listener. */
  public Future<Void> close() {
    if (statusTimer >= 0) {
      vertx.cancelTimer(statusTimer);
    }
    Future<Void> server = federationServer == null ? Future.succeededFuture() : federationServer.close();
    return server.eventually(sessions::close).eventually(node::close);
  }
}
