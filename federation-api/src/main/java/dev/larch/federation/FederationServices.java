package dev.larch.federation;

import dev.larch.core.federation.auth.RequestAuthenticator;
import dev.larch.core.federation.keys.KeyNotary;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the federation routes serve from, built by the server's composition root. Each spec area's routes take the
 * services they need from here; a new area adds its service as a component.
 *
 * @param serverVersion the software version peers see at {@code /_matrix/federation/v1/version}
 * @param authenticator checks the X-Matrix signature of every signed request
 * @param keys this server's keys and its notary service ({@code /_matrix/key/*})
 * @param maxBodyBytes the largest request body accepted (a transaction of 50 PDUs of up to 64 KiB each fits)
 * @param workers how many requests are handled at once (signature checks and database work run on these threads)
 * @param routes every other spec area's routes (transactions, joins, events, queries, media, relays)
 * @param originSeen told the origin of every validly signed request: that server is up, so what we queue for it
 *     can go now
 */
public record FederationServices(String serverVersion, RequestAuthenticator authenticator, KeyNotary keys,
    long maxBodyBytes, int workers, List<FederationRoutes> routes, Consumer<String> originSeen) {
  public FederationServices {
    routes = List.copyOf(routes);
  }

  /** Only the version and key API (tests of the plumbing). */
  public FederationServices(
      String serverVersion, RequestAuthenticator authenticator, KeyNotary keys, long maxBodyBytes, int workers) {
    this(serverVersion, authenticator, keys, maxBodyBytes, workers, List.of(), origin -> { });
  }

  /** A transaction holds at most 50 PDUs of at most 64 KiB and 100 EDUs; 8 MiB leaves room for the EDUs. */
  public static final long DEFAULT_MAX_BODY_BYTES = 8L << 20;
  /** Federation workers by default. */
  public static final int DEFAULT_WORKERS = 32;
}
