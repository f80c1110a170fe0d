package dev.larch.federation.transport;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.id.ServerName;
import dev.larch.core.json.ReceivedJson;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Matrix server discovery: where to connect for a server name, with which {@code Host} header and certificate name.
 *
 * <p>Spec: server-server API v1.11, "Resolving server names":
 *
 * <ol>
 *   <li>An IP literal: that address, the given port or 8448; {@code Host} is the server name; the certificate must
 *       be valid for the address.
 *   <li>A hostname with an explicit port: its AAAA/A addresses and that port; {@code Host} is the server name; the
 *       certificate is for the hostname.
 *   <li>Otherwise {@code https://<hostname>/.well-known/matrix/server}; if it names {@code m.server}, that delegated
 *       name is resolved: an IP literal as in 1 (with {@code Host} the delegated name); a hostname with port as in 2;
 *       a hostname without port by SRV {@code _matrix-fed._tcp}, then the deprecated {@code _matrix._tcp}, then its
 *       addresses on 8448, always with {@code Host} and certificate the delegated hostname.
 *   <li>Without a usable well-known: SRV {@code _matrix-fed._tcp.<hostname>}, then {@code _matrix._tcp.<hostname>},
 *       with {@code Host} and certificate the hostname;
 *   <li>then the hostname's addresses on 8448.
 * </ol>
 *
 * <p>Well-known answers are cached as the spec recommends: by {@code Cache-Control: max-age}, kept between
 * {@value #MIN_CACHE_MINUTES} minutes and 48 hours, 24 hours when the header is absent; invalid answers and failures
 * for an hour, except that a good delegation is kept a few minutes more when a refresh fails (a blip should not
 * send traffic to the wrong place). Complete resolutions are cached for {@value #RESOLVED_CACHE_MINUTES} minutes.
 * Blocking: call off the event loop.
 */
public final class ServerResolver {
  /** The federation port when nothing else names one. */
  public static final int DEFAULT_PORT = 8448;

  static final long MIN_CACHE_MINUTES = 5;
  static final long RESOLVED_CACHE_MINUTES = 5;
  private static final Duration DEFAULT_CACHE = Duration.ofHours(24);
  private static final Duration MAX_CACHE = Duration.ofHours(48);
  private static final Duration ERROR_CACHE = Duration.ofHours(1);
  private static final Duration GRACE_AFTER_FAILED_REFRESH = Duration.ofMinutes(2);
  private static final int MAX_CACHED = 10_000;

  private final DnsLookup dns;
  private final WellKnownFetcher wellKnown;
  private final Clock clock;
  private final Map<String, Delegation> delegations = new ConcurrentHashMap<>();
  private final Map<String, Resolution> resolutions = new ConcurrentHashMap<>();

  /** A well-known answer: the delegated name, or none; until when it holds. */
  private record Delegation(Optional<ServerName> server, long expiresAt) {}

  private record Resolution(List<ServerTarget> targets, long expiresAt) {}

  public ServerResolver(DnsLookup dns, WellKnownFetcher wellKnown, Clock clock) {
    this.dns = dns;
    this.wellKnown = wellKnown;
    this.clock = clock;
  }

  /**
   * The places to try for {@code serverName}, best first.
   *
   * @throws RemoteServerException unreachable, when the name is not a server name or resolves to no address
   */
  public List<ServerTarget> resolve(String serverName) {
    long now = clock.millis();
    Resolution cached = resolutions.get(serverName);
    if (cached != null && now < cached.expiresAt()) {
      return cached.targets();
    }
    ServerName name = ServerName.tryParse(serverName).orElseThrow(() ->
        RemoteServerException.unreachable(serverName, "not a server name", null));
    List<ServerTarget> targets = discover(name);
    if (targets.isEmpty()) {
      throw RemoteServerException.unreachable(serverName, "no address found for the server name", null);
    }
    if (resolutions.size() > MAX_CACHED) {
      resolutions.clear();
    }
    resolutions.put(serverName, new Resolution(List.copyOf(targets),
        now + Duration.ofMinutes(RESOLVED_CACHE_MINUTES).toMillis()));
    return targets;
  }

  private List<ServerTarget> discover(ServerName name) {
    String host = name.hostname();
    // Steps 1 and 2: an IP literal, or an explicit port.
    if (name.isIpLiteral()) {
      return literal(host, name.port().orElse(DEFAULT_PORT), name.value());
    }
    if (name.port().isPresent()) {
      return addresses(host, name.port().getAsInt(), name.value(), host);
    }
    // Step 3: delegation by well-known.
    Optional<ServerName> delegated = delegation(host);
    if (delegated.isPresent()) {
      ServerName to = delegated.get();
      String delegatedHost = to.hostname();
      if (to.isIpLiteral()) {
        return literal(delegatedHost, to.port().orElse(DEFAULT_PORT), to.value());
      }
      if (to.port().isPresent()) {
        return addresses(delegatedHost, to.port().getAsInt(), to.value(), delegatedHost);
      }
      return srvOrDefault(delegatedHost);
    }
    // Steps 4 and 5: SRV, then the default port.
    return srvOrDefault(host);
  }

  /** SRV {@code _matrix-fed._tcp}, then {@code _matrix._tcp}, then port 8448; Host and certificate {@code host}. */
  private List<ServerTarget> srvOrDefault(String host) {
    for (String service : List.of("_matrix-fed._tcp.", "_matrix._tcp.")) {
      List<DnsLookup.SrvRecord> records = srvRecords(service + host);
      if (!records.isEmpty()) {
        List<ServerTarget> targets = new ArrayList<>();
        for (DnsLookup.SrvRecord record : records) {
          targets.addAll(addresses(stripDot(record.target()), record.port(), host, host));
        }
        return targets;
      }
    }
    return addresses(host, DEFAULT_PORT, host, host);
  }

  private List<DnsLookup.SrvRecord> srvRecords(String name) {
    List<DnsLookup.SrvRecord> records;
    try {
      records = new ArrayList<>(dns.srv(name));
    } catch (RuntimeException e) {
      return List.of(); // a DNS failure reads as "no SRV record": the next step still has a chance
    }
    // "." alone means the service is decidedly not available here (RFC 2782).
    records.removeIf(r -> r.target() == null || r.target().isEmpty() || r.target().equals("."));
    // Lowest priority first, then the heaviest: RFC 2782's weighted choice without the randomness.
    records.sort(Comparator.comparingInt(DnsLookup.SrvRecord::priority)
        .thenComparing(Comparator.comparingInt(DnsLookup.SrvRecord::weight).reversed()));
    return records;
  }

  private List<ServerTarget> addresses(String host, int port, String hostHeader, String tlsName) {
    try {
      List<ServerTarget> targets = new ArrayList<>();
      for (InetAddress address : dns.addresses(host)) {
        targets.add(new ServerTarget(address, port, hostHeader, tlsName));
      }
      return targets;
    } catch (UnknownHostException e) {
      return List.of();
    }
  }

  private static List<ServerTarget> literal(String host, int port, String hostHeader) {
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    try {
      // A literal is parsed, never looked up.
      return List.of(new ServerTarget(InetAddress.getByName(bare), port, hostHeader, null));
    } catch (UnknownHostException e) {
      return List.of();
    }
  }

  /** The well-known delegation of {@code host}, from the cache or fetched. */
  private Optional<ServerName> delegation(String host) {
    long now = clock.millis();
    Delegation cached = delegations.get(host);
    if (cached != null && now < cached.expiresAt()) {
      return cached.server();
    }
    WellKnownFetcher.Response response;
    try {
      response = wellKnown.fetch(host);
    } catch (RuntimeException e) {
      response = WellKnownFetcher.Response.none();
    }
    Delegation fresh;
    if (response.status() == 0 && cached != null && cached.server().isPresent()) {
      fresh = new Delegation(cached.server(), now + GRACE_AFTER_FAILED_REFRESH.toMillis());
    } else {
      Optional<ServerName> server = parse(response);
      fresh = new Delegation(server, now + (server.isPresent() ? cacheTime(response) : ERROR_CACHE).toMillis());
    }
    if (delegations.size() > MAX_CACHED) {
      delegations.clear();
    }
    delegations.put(host, fresh);
    return fresh.server();
  }

  private static Optional<ServerName> parse(WellKnownFetcher.Response response) {
    if (response.status() != 200) {
      return Optional.empty();
    }
    try {
      JsonNode json = ReceivedJson.parseValue(response.body());
      JsonNode server = json.get("m.server");
      return server != null && server.isTextual() ? ServerName.tryParse(server.textValue()) : Optional.empty();
    } catch (MatrixException e) {
      return Optional.empty();
    }
  }

  private static Duration cacheTime(WellKnownFetcher.Response response) {
    Duration min = Duration.ofMinutes(MIN_CACHE_MINUTES);
    if (response.noStore()) {
      return min;
    }
    if (response.maxAgeSeconds().isEmpty()) {
      return DEFAULT_CACHE;
    }
    Duration asked = Duration.ofSeconds(Math.max(0, response.maxAgeSeconds().get()));
    return asked.compareTo(min) < 0 ? min : asked.compareTo(MAX_CACHE) > 0 ? MAX_CACHE : asked;
  }

  private static String stripDot(String name) {
    return name.endsWith(".") ? name.substring(0, name.length() - 1) : name;
  }
}
