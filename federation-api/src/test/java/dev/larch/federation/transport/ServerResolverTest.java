package dev.larch.federation.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.ratelimit.TestClock;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Server discovery (spec v1.11 "Resolving server names") against fake DNS and well-known answers. */
class ServerResolverTest {
  private final TestClock clock = new TestClock(1_700_000_000_000L);
  private final Map<String, List<InetAddress>> hosts = new HashMap<>();
  private final Map<String, List<DnsLookup.SrvRecord>> srv = new HashMap<>();
  private final Map<String, WellKnownFetcher.Response> wellKnown = new HashMap<>();
  private final List<String> lookups = new ArrayList<>();

  private final DnsLookup dns = new DnsLookup() {
    @Override
    public List<SrvRecord> srv(String name) {
      lookups.add("srv " + name);
      return srv.getOrDefault(name, List.of());
    }

    @Override
    public List<InetAddress> addresses(String host) throws UnknownHostException {
      lookups.add("a " + host);
      List<InetAddress> found = hosts.get(host);
      if (found == null) {
        throw new UnknownHostException(host);
      }
      return found;
    }
  };

  private final ServerResolver resolver = new ServerResolver(dns, host -> {
    lookups.add("well-known " + host);
    return wellKnown.getOrDefault(host, new WellKnownFetcher.Response(404, new byte[0], Optional.empty(), false));
  }, clock);

  private static InetAddress ip(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private void host(String name, String... addresses) {
    List<InetAddress> list = new ArrayList<>();
    for (String address : addresses) {
      list.add(ip(address));
    }
    hosts.put(name, list);
  }

  private static WellKnownFetcher.Response delegation(String server, Long maxAge) {
    return new WellKnownFetcher.Response(200, ("{\"m.server\":\"" + server + "\"}").getBytes(StandardCharsets.UTF_8),
        Optional.ofNullable(maxAge), false);
  }

  private static ServerTarget target(String address, int port, String host, String tls) {
    return new ServerTarget(ip(address), port, host, tls);
  }

  @Test
  void ipLiterals_areUsedAsGiven_withTheDefaultPort_andNoCertificateName() {
    assertEquals(List.of(target("192.0.2.1", 8448, "192.0.2.1", null)), resolver.resolve("192.0.2.1"));
    assertEquals(List.of(target("192.0.2.1", 1234, "192.0.2.1:1234", null)), resolver.resolve("192.0.2.1:1234"));
    assertEquals(List.of(target("2001:db8::1", 8448, "[2001:db8::1]:8448", null)),
        resolver.resolve("[2001:db8::1]:8448"));
    assertEquals(List.of(), lookups); // no DNS, no well-known for literals
  }

  @Test
  void anExplicitPort_skipsWellKnownAndSrv() {
    host("example.org", "192.0.2.7", "2001:db8::7");
    assertEquals(List.of(target("192.0.2.7", 8449, "example.org:8449", "example.org"),
        target("2001:db8::7", 8449, "example.org:8449", "example.org")), resolver.resolve("example.org:8449"));
    assertEquals(List.of("a example.org"), lookups);
  }

  @Test
  void wellKnown_delegatesToAHostWithPort() {
    wellKnown.put("example.org", delegation("matrix.example.net:443", null));
    host("matrix.example.net", "192.0.2.9");
    assertEquals(List.of(target("192.0.2.9", 443, "matrix.example.net:443", "matrix.example.net")),
        resolver.resolve("example.org"));
  }

  @Test
  void wellKnown_delegatesToAnIpLiteral() {
    wellKnown.put("example.org", delegation("192.0.2.10", null));
    assertEquals(List.of(target("192.0.2.10", 8448, "192.0.2.10", null)), resolver.resolve("example.org"));
  }

  @Test
  void wellKnown_withoutPort_usesTheDelegatedNamesSrv_thenItsDefaultPort() {
    wellKnown.put("example.org", delegation("matrix.example.net", null));
    wellKnown.put("example.com", delegation("matrix.example.com", null));
    srv.put("_matrix-fed._tcp.matrix.example.net",
        List.of(new DnsLookup.SrvRecord(10, 0, 8450, "fed.example.net.")));
    host("fed.example.net", "192.0.2.11");
    host("matrix.example.com", "192.0.2.12");
    // Host and certificate stay the delegated name, not the SRV target.
    assertEquals(List.of(target("192.0.2.11", 8450, "matrix.example.net", "matrix.example.net")),
        resolver.resolve("example.org"));
    assertEquals(List.of(target("192.0.2.12", 8448, "matrix.example.com", "matrix.example.com")),
        resolver.resolve("example.com"));
  }

  @Test
  void noWellKnown_srvMatrixFed_thenTheDeprecatedMatrixSrv_thenPort8448() {
    srv.put("_matrix-fed._tcp.a.example", List.of(
        new DnsLookup.SrvRecord(20, 0, 1002, "backup.a.example"),
        new DnsLookup.SrvRecord(10, 5, 1001, "primary.a.example")));
    srv.put("_matrix._tcp.a.example", List.of(new DnsLookup.SrvRecord(1, 0, 9999, "old.a.example")));
    srv.put("_matrix._tcp.b.example", List.of(new DnsLookup.SrvRecord(1, 0, 9000, "old.b.example")));
    srv.put("_matrix-fed._tcp.c.example", List.of(new DnsLookup.SrvRecord(1, 0, 0, ".")));
    host("primary.a.example", "192.0.2.21");
    host("backup.a.example", "192.0.2.22");
    host("old.b.example", "192.0.2.23");
    host("c.example", "192.0.2.24");
    assertEquals(List.of(target("192.0.2.21", 1001, "a.example", "a.example"),
        target("192.0.2.22", 1002, "a.example", "a.example")), resolver.resolve("a.example"));
    assertEquals(List.of(target("192.0.2.23", 9000, "b.example", "b.example")), resolver.resolve("b.example"));
    // "." says "no service": the default port on the name's own address.
    assertEquals(List.of(target("192.0.2.24", 8448, "c.example", "c.example")), resolver.resolve("c.example"));
  }

  @Test
  void invalidWellKnownAnswers_areIgnored() {
    wellKnown.put("a.example", new WellKnownFetcher.Response(200, "not json".getBytes(StandardCharsets.UTF_8),
        Optional.empty(), false));
    wellKnown.put("b.example", new WellKnownFetcher.Response(200, "{\"m.server\":\"bad name!\"}".getBytes(
        StandardCharsets.UTF_8), Optional.empty(), false));
    host("a.example", "192.0.2.31");
    host("b.example", "192.0.2.32");
    assertEquals(List.of(target("192.0.2.31", 8448, "a.example", "a.example")), resolver.resolve("a.example"));
    assertEquals(List.of(target("192.0.2.32", 8448, "b.example", "b.example")), resolver.resolve("b.example"));
  }

  @Test
  void wellKnown_isCachedByMaxAge_withinBounds_andErrorsForAnHour() {
    wellKnown.put("example.org", delegation("matrix.example.net:443", 600L));
    host("matrix.example.net", "192.0.2.9");
    host("down.example", "192.0.2.40");
    resolver.resolve("example.org");
    resolver.resolve("down.example"); // 404: cached as "no delegation" for an hour
    assertEquals(2, countOf("well-known"));

    clock.advance(Duration.ofMinutes(6).toMillis()); // past the resolution cache, within max-age
    resolver.resolve("example.org");
    resolver.resolve("down.example");
    assertEquals(2, countOf("well-known"));

    clock.advance(Duration.ofMinutes(5).toMillis()); // past max-age=600
    resolver.resolve("example.org");
    assertEquals(3, countOf("well-known"));
    resolver.resolve("down.example");
    assertEquals(3, countOf("well-known"));
    clock.advance(Duration.ofMinutes(50).toMillis());
    resolver.resolve("down.example");
    assertEquals(4, countOf("well-known"));
  }

  @Test
  void aFailedRefresh_keepsAGoodDelegationBriefly() {
    wellKnown.put("example.org", delegation("matrix.example.net:443", 600L));
    host("matrix.example.net", "192.0.2.9");
    resolver.resolve("example.org");
    wellKnown.put("example.org", WellKnownFetcher.Response.none());
    clock.advance(Duration.ofMinutes(11).toMillis());
    assertEquals(List.of(target("192.0.2.9", 443, "matrix.example.net:443", "matrix.example.net")),
        resolver.resolve("example.org"));
  }

  @Test
  void noAddressOrABadName_isUnreachable() {
    RemoteServerException e = assertThrows(RemoteServerException.class, () -> resolver.resolve("nowhere.example"));
    assertEquals(RemoteServerException.Kind.UNREACHABLE, e.kind());
    assertEquals(RemoteServerException.Kind.UNREACHABLE,
        assertThrows(RemoteServerException.class, () -> resolver.resolve("bad name")).kind());
  }

  private long countOf(String kind) {
    return lookups.stream().filter(l -> l.startsWith(kind)).count();
  }
}
