package dev.larch.server.p2p;

import dev.larch.http.JsonResponse;
import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.node.OverlayConfig;
import dev.larch.overlay.node.OverlayNode;
import dev.larch.server.config.HostPort;
import dev.larch.server.config.OverlaySettings;
import dev.larch.server.identity.NodeIdentity;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
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

  private static final Logger log = LoggerFactory.getLogger(OverlayService.class);

  private final OverlayNode node;
  private final OverlaySettings settings;

  private OverlayService(OverlayNode node, OverlaySettings settings) {
    this.node = node;
    this.settings = settings;
  }

  /** Starts the overlay node; completes once its TCP listener is bound, and dials the static peers. */
  public static Future<OverlayService> start(Vertx vertx, NodeIdentity identity, OverlaySettings settings) {
    return OverlayNode.start(vertx, nodeKey(identity), overlayConfig(settings))
        .map(node -> new OverlayService(node, settings));
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

  /** Closes every peering and the TCP listener. */
  public Future<Void> close() {
    return node.close();
  }
}
