package dev.larch.server;

import dev.larch.client.ClientApi;
import dev.larch.core.user.PasswordHasher;
import dev.larch.core.id.ServerName;
import dev.larch.federation.FederationApi;
import dev.larch.federation.FederationServices;
import dev.larch.server.config.HostPort;
import dev.larch.server.config.LarchConfig;
import dev.larch.server.identity.NodeIdentity;
import dev.larch.server.idle.HeapCompaction;
import dev.larch.server.idle.IdleCompaction;
import dev.larch.server.federation.FederationListener;
import dev.larch.server.federation.WellKnownServer;
import dev.larch.server.p2p.OverlayService;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Larch node: the database and services ({@link Homeserver}), Vert.x, and the HTTP listener serving the
 * client API and, for now, the federation API.
 *
 * <p>Requests are split by path between the two APIs' routers, so each router keeps its own error handling and CORS
 * policy; in P2P mode the federation router will also sit behind the overlay listener. When the overlay runs (P2P
 * mode by default), it starts first, so a taken overlay port fails the start before any HTTP port is bound, and the
 * client HTTP server also accepts overlay peerings at {@code /ws} and serves the router state at
 * {@code GET /pinecone}.
 *
 * <p>{@link #start} and {@link #close} block the calling thread and must never be called on a Vert.x thread.
 */
public final class LarchServer implements AutoCloseable {
  /** How often the overlay's state goes to the log (peers, root, routes, traffic). */
  private static final long STATUS_LOG_MS = 5 * 60_000;
  private static final long IDLE_COMPACTION_MS = 5_000;

  private static final Logger log = LoggerFactory.getLogger(LarchServer.class);
  // Long enough for in-flight requests to finish, short enough that a service manager does not lose patience.
  private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
  private static final Duration START_TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final HttpServer clientServer;
  private final HostPort clientAddress;
  private final OverlayService overlay; // null when the overlay does not run
  private final Homeserver homeserver;
  private final Instant startedAt = Instant.now();
  private HttpServer federationServer; // null without federation.listen
  private HostPort federationAddress;
  private boolean closed;

  private LarchServer(
      Vertx vertx, HttpServer clientServer, HostPort clientAddress, OverlayService overlay, Homeserver homeserver) {
    this.vertx = vertx;
    this.clientServer = clientServer;
    this.clientAddress = clientAddress;
    this.overlay = overlay;
    this.homeserver = homeserver;
  }

  /**
   * Starts a node for {@code config} and {@code identity} and logs one line saying who and where it is.
   *
   * @throws StartException when the database cannot be opened or a listener cannot be bound (address in use, not
   *     local, ...)
   */
  public static LarchServer start(LarchConfig config, NodeIdentity identity) throws StartException {
    return start(config, identity, PasswordHasher.DEFAULT);
  }

  /** As {@link #start(LarchConfig, NodeIdentity)}, with these password hashing parameters (tests use cheap ones). */
  static LarchServer start(LarchConfig config, NodeIdentity identity, PasswordHasher.Params kdf)
      throws StartException {
    HostPort listen = config.client().listenAddress();
    // Vert.x first: the homeserver's federation client makes its HTTPS connections on it.
    Vertx vertx = Vertx.vertx();
    Homeserver homeserver;
    try {
      homeserver = openHomeserver(config, identity, kdf, vertx);
    } catch (StartException e) {
      closeQuietly(vertx);
      throw e;
    }
    try {
      OverlayService overlay = config.overlayRuns() ? startOverlay(vertx, config, identity) : null;
      Router clientRouter = new ClientApi(homeserver.clientServices()).router(vertx);
      Router federationRouter = new FederationApi(homeserver.federation().services(LarchMain.VERSION,
          FederationServices.DEFAULT_WORKERS, homeserver.federationRoutes(), homeserver::serverSeen))
          .router(vertx);
      homeserver.startFederation();
      if (overlay != null) {
        startP2pFederation(vertx, config, overlay, homeserver, federationRouter);
      }
      Optional<WellKnownServer> wellKnown = WellKnownServer.of(config.federation().wellKnownServerValue());
      IdleCompaction idle = startIdleCompaction(vertx, homeserver);
      HttpServer server =
          vertx
              .createHttpServer()
              .requestHandler(request -> {
                idle.touch();
                if (wellKnown.isEmpty() || !wellKnown.get().handle(request)) {
                  route(request, clientRouter, federationRouter);
                }
              });
      if (overlay != null) {
        overlay.mount(server, clientRouter);
      }
      await(server.listen(listen.port(), listen.host()), START_TIMEOUT);
      HostPort bound = new HostPort(listen.host(), server.actualPort());
      LarchServer larch = new LarchServer(vertx, server, bound, overlay, homeserver);
      larch.startFederationListener(config, identity, federationRouter);
      log.info(
          "started mode={} server_name={} key_id={} client_listen={} federation_listen={} data_dir={} startup_ms={}",
          identity.mode().label(),
          identity.serverName(),
          identity.keyId(),
          bound,
          larch.federationAddress == null ? "none" : larch.federationAddress,
          config.dataPath().toAbsolutePath().normalize(),
          millisSinceProcessStart());
      if (overlay != null) {
        overlay.logPeering(identity, bound);
        overlay.logStatusEvery(STATUS_LOG_MS);
      }
      return larch;
    } catch (ExecutionException e) {
      closeQuietly(vertx);
      homeserver.close();
      Throwable cause = e.getCause();
      String why = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
      throw new StartException("cannot listen on client.listen " + listen + ": " + why);
    } catch (TimeoutException e) {
      closeQuietly(vertx);
      homeserver.close();
      throw new StartException("timed out listening on client.listen " + listen);
    } catch (StartException | RuntimeException e) {
      closeQuietly(vertx);
      homeserver.close();
      throw e;
    }
  }

  /**
   * Starts the TLS federation listener of {@code federation.listen}, if set, serving only {@code router}; a listen
   * failure is a {@link StartException} naming the key (the caller closes everything).
   */
  private void startFederationListener(LarchConfig config, NodeIdentity identity, Router router)
      throws StartException {
    Optional<HostPort> listen = config.federation().listenAddress();
    if (listen.isEmpty()) {
      return;
    }
    String hostname = new ServerName(identity.serverName()).hostname().replace("[", "").replace("]", "");
    PemKeyCertOptions certificate = FederationListener.certificate(config.federation(), config.dataPath(), hostname);
    try {
      federationServer = await(FederationListener.start(vertx, listen.get(), certificate, router), START_TIMEOUT);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String why = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
      throw new StartException("cannot listen on federation.listen " + listen.get() + ": " + why);
    } catch (TimeoutException e) {
      throw new StartException("timed out listening on federation.listen " + listen.get());
    }
    federationAddress = new HostPort(listen.get().host(), federationServer.actualPort());
  }

  /** Opens the database and builds the services, turning a database failure into a message naming the key. */
  private static Homeserver openHomeserver(LarchConfig config, NodeIdentity identity, PasswordHasher.Params kdf,
      Vertx vertx) throws StartException {
    try {
      return Homeserver.open(config, identity, kdf, vertx);
    } catch (RuntimeException e) { // StorageException, or the pool's own when no connection can be made at all
      // The URL is never quoted: a PostgreSQL URL may carry a password. The root cause says what went wrong.
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      String why = root.getMessage() != null ? root.getMessage() : root.getClass().getSimpleName();
      throw new StartException("cannot open the database (database.url): " + why);
    }
  }

  /**
   * Federation over the overlay: requests to 64-hex names go over QUIC sessions, the federation router is served to
   * overlay peers, a peer that shows up (peering, wakeup broadcast) gets its queue retried at once, and the trusted
   * relays are drained now and whenever one of them shows up.
   */
  private static void startP2pFederation(Vertx vertx, LarchConfig config, OverlayService overlay,
      Homeserver homeserver, Router federationRouter) throws ExecutionException, TimeoutException {
    homeserver.federation().transport().registerOverlay(overlay.federationTransport());
    await(overlay.serveFederation(federationRouter), START_TIMEOUT);
    homeserver.includeNeighbours(() -> overlay.peers().direct());
    List<String> relays = config.overlay().relays();
    overlay.peers().onSeen(serverName -> {
      homeserver.serverSeen(serverName);
      if (relays.contains(serverName)) {
        drainRelay(vertx, homeserver, serverName);
      }
    });
    relays.forEach(relay -> drainRelay(vertx, homeserver, relay));
  }

  private static void drainRelay(Vertx vertx, Homeserver homeserver, String relay) {
    vertx.executeBlocking(() -> homeserver.relayCollector().drain(relay), false)
        .onFailure(e -> log.warn("relay collection failed relay={}", relay, e));
  }

  /** Starts the overlay, turning a listen failure into a message naming {@code overlay.listen}. */
  private static OverlayService startOverlay(Vertx vertx, LarchConfig config, NodeIdentity identity)
      throws StartException {
    HostPort listen = config.overlay().listenAddress();
    try {
      return await(OverlayService.start(vertx, identity, config.overlay()), START_TIMEOUT);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      String why = cause.getMessage() != null ? cause.getMessage() : cause.getClass().getSimpleName();
      throw new StartException("cannot listen on overlay.listen " + listen + ": " + why
          + " (another node on this machine? give it another --overlay-listen port, or port 0 for any)");
    } catch (TimeoutException e) {
      throw new StartException("timed out starting the overlay on overlay.listen " + listen);
    }
  }

  /** The address the client API listens on, with the real port when 0 was asked for. */
  public HostPort clientAddress() {
    return clientAddress;
  }

  /** The address of the TLS federation listener, with the real port when 0 was asked for; empty without one. */
  public Optional<HostPort> federationAddress() {
    return Optional.ofNullable(federationAddress);
  }

  /** The homeserver's services (tests wire federation peers to them). */
  Homeserver homeserver() {
    return homeserver;
  }

  /** The overlay's TCP peering port (the real one when 0 was asked for), or -1 when the overlay does not run. */
  public int overlayTcpPort() {
    return overlay == null ? -1 : overlay.tcpPort();
  }

  /**
   * Closes the overlay's peerings, stops accepting requests, lets in-flight ones finish for a few seconds, stops
   * Vert.x and logs {@code stopped}. Safe to call more than once and from several threads.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (overlay != null) {
      // First: peers see us leave at once, and the /ws peerings no longer hold the HTTP shutdown's grace period.
      try {
        await(overlay.close(), SHUTDOWN_GRACE);
      } catch (ExecutionException | TimeoutException e) {
        log.warn("overlay did not close cleanly reason={}", String.valueOf(e.getCause()));
      }
    }
    if (federationServer != null) {
      try {
        await(federationServer.shutdown(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS),
            SHUTDOWN_GRACE.plusSeconds(1));
      } catch (ExecutionException | TimeoutException e) {
        log.warn("federation listener did not shut down cleanly reason={}", String.valueOf(e.getCause()));
      }
    }
    try {
      await(clientServer.shutdown(SHUTDOWN_GRACE.toMillis(), TimeUnit.MILLISECONDS), SHUTDOWN_GRACE.plusSeconds(1));
    } catch (ExecutionException | TimeoutException e) {
      log.warn("client listener did not shut down cleanly reason={}", String.valueOf(e.getCause()));
    }
    closeQuietly(vertx);
    // Last: no worker can still be using a connection once Vert.x has stopped.
    homeserver.close();
    log.info("stopped uptime_s={}", Duration.between(startedAt, Instant.now()).toSeconds());
  }

  /**
   * The caches dropped and a compacting collection once the client listener has been idle for
   * {@value #IDLE_COMPACTION_MS} ms after requests, so the node's memory after a burst of traffic returns to about
   * its size at start (bench/README, "Load", idle RSS).
   */
  private static IdleCompaction startIdleCompaction(Vertx vertx, Homeserver homeserver) {
    HeapCompaction compaction = new HeapCompaction();
    IdleCompaction idle = new IdleCompaction(System::nanoTime, IDLE_COMPACTION_MS,
        () -> vertx.executeBlocking(() -> {
          homeserver.dropIdleCaches();
          compaction.run();
          return null;
        }, false));
    vertx.setPeriodic(1_000, id -> idle.tick());
    return idle;
  }

  private static void route(HttpServerRequest request, Router clientRouter, Router federationRouter) {
    String path = request.path();
    boolean federation =
        path != null && (path.startsWith("/_matrix/federation/") || path.startsWith("/_matrix/key/"));
    (federation ? federationRouter : clientRouter).handle(request);
  }

  private static <T> T await(Future<T> future, Duration timeout) throws ExecutionException, TimeoutException {
    try {
      return future.toCompletionStage().toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ExecutionException(e);
    }
  }

  private static void closeQuietly(Vertx vertx) {
    try {
      await(vertx.close(), SHUTDOWN_GRACE);
    } catch (ExecutionException | TimeoutException e) {
      log.warn("vert.x did not close cleanly reason={}", String.valueOf(e.getCause()));
    }
  }

  private static long millisSinceProcessStart() {
    return ProcessHandle.current()
        .info()
        .startInstant()
        .map(start -> Duration.between(start, Instant.now()).toMillis())
        .orElse(-1L);
  }
}
