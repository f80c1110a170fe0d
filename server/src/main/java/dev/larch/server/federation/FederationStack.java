package dev.larch.server.federation;

import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.auth.RequestAuthenticator;
import dev.larch.core.federation.keys.KeyNotary;
import dev.larch.core.federation.keys.KeyRing;
import dev.larch.core.federation.keys.LocalServerKeys;
import dev.larch.core.federation.keys.ServerKeyStore;
import dev.larch.core.federation.keys.ServerKeys;
import dev.larch.federation.FederationRoutes;
import dev.larch.federation.FederationServices;
import dev.larch.federation.client.SigningFederationClient;
import dev.larch.federation.transport.HttpsFederationTransport;
import dev.larch.federation.transport.HttpsSettings;
import dev.larch.federation.transport.RoutingFederationTransport;
import dev.larch.server.config.FederationConfig;
import dev.larch.server.config.LarchConfig;
import dev.larch.server.identity.Mode;
import dev.larch.server.identity.NodeIdentity;
import dev.larch.storage.federation.keys.JdbcServerKeyStore;
import dev.larch.storage.jdbc.Database;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The federation plumbing of one node, built once by {@code Homeserver}: our keys, the key ring (other servers'
 * keys) and notary, the transports (HTTPS for DNS names; the overlay's for P2P names, registered by the P2P
 * wiring), the signing client over them, and the request authenticator. Route classes get what they need through
 * {@link #services}.
 *
 * <p>HTTPS federation runs in classic mode, and in P2P mode only when a federation listener is configured too (a
 * hybrid node); otherwise DNS names are unreachable from a P2P node, as Dendrite's P2P nodes are.
 */
public final class FederationStack implements AutoCloseable {
  private final LocalServerKeys localKeys;
  private final KeyRing keyRing;
  private final KeyNotary notary;
  private final RoutingFederationTransport transport;
  private final HttpsFederationTransport https; // null when this node does not federate over HTTPS
  private final FederationClient client;
  private final RequestAuthenticator authenticator;

  private FederationStack(LocalServerKeys localKeys, KeyRing keyRing, KeyNotary notary,
      RoutingFederationTransport transport, HttpsFederationTransport https, FederationClient client,
      RequestAuthenticator authenticator) {
    this.localKeys = localKeys;
    this.keyRing = keyRing;
    this.notary = notary;
    this.transport = transport;
    this.https = https;
    this.client = client;
    this.authenticator = authenticator;
  }

  /** Builds the stack for {@code identity} over {@code database}; the HTTPS client lives on {@code vertx}. */
  public static FederationStack create(LarchConfig config, NodeIdentity identity, Database database, Vertx vertx) {
    Clock clock = Clock.systemUTC();
    FederationConfig settings = config.federation();
    LocalServerKeys local = new LocalServerKeys(identity.serverName(), identity.keyId(), identity.signingKey(),
        Map.of(), settings.keyValidity(), clock);
    boolean overHttps = identity.mode() == Mode.CLASSIC || settings.listenAddress().isPresent();
    HttpsFederationTransport https = overHttps
        ? new HttpsFederationTransport(vertx, new HttpsSettings(settings.verifyCertificatesValue(),
            settings.allowLoopbackValue(), HttpsSettings.DEFAULT_MAX_RESPONSE_BYTES,
            HttpsSettings.defaults().connectTimeout()))
        : null;
    RoutingFederationTransport transport = new RoutingFederationTransport(https);
    FederationClient client =
        new SigningFederationClient(identity.serverName(), identity.keyId(), identity.signingKey(), transport);
    ServerKeyStore store = new JdbcServerKeyStore(database);
    KeyRing keyRing = new KeyRing(local, store, client, settings.trustedKeyServerList(), clock,
        KeyRing.DEFAULT_RETRY_AFTER);
    KeyNotary notary = new KeyNotary(local, keyRing, store, clock);
    RequestAuthenticator authenticator = new RequestAuthenticator(identity.serverName(), keyRing, clock);
    return new FederationStack(local, keyRing, notary, transport, https, client, authenticator);
  }

  /** Signed requests to other servers. */
  public FederationClient client() {
    return client;
  }

  /** Other servers' keys (and ours), fetched and cached as needed. */
  public ServerKeys serverKeys() {
    return keyRing;
  }

  /** This server's signing keys as published. */
  public LocalServerKeys localKeys() {
    return localKeys;
  }

  /** The transport by destination; the P2P wiring registers the overlay's transport here. */
  public RoutingFederationTransport transport() {
    return transport;
  }

  /** Checks incoming requests' X-Matrix signatures. */
  public RequestAuthenticator authenticator() {
    return authenticator;
  }

  /** Only the version and key API (tests of the plumbing). */
  public FederationServices services(String serverVersion, int workers) {
    return services(serverVersion, workers, List.of(), origin -> { });
  }

  /**
   * What the federation routes serve from: the key API here, {@code routes} for every other area, and
   * {@code originSeen} told each validly signed request's origin.
   */
  public FederationServices services(String serverVersion, int workers, List<FederationRoutes> routes,
      Consumer<String> originSeen) {
    return new FederationServices(serverVersion, authenticator, notary, FederationServices.DEFAULT_MAX_BODY_BYTES,
        workers, routes, originSeen);
  }

  /** Stops the HTTPS client's discovery threads (its connections close with Vert.x). */
  @Override
  public void close() {
    if (https != null) {
      https.close();
    }
  }
}
