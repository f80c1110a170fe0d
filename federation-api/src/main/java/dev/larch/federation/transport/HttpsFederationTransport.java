package dev.larch.federation.transport;

import dev.larch.core.federation.RemoteServerException;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.time.Clock;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Federation over HTTPS to DNS names and IP literals: Matrix server discovery ({@link ServerResolver}), then one
 * HTTP/1.1 request over TLS on a pooled Vert.x connection, to the discovered address with the discovered
 * {@code Host} header and certificate name.
 *
 * <p>TLS: certificates are verified against the system's trusted authorities and the server's name unless
 * {@link HttpsSettings#verifyCertificates()} is off; the SNI is the name the certificate must carry (none for IP
 * addresses). Addresses on loopback are refused unless {@link HttpsSettings#allowLoopback()}: otherwise any remote
 * server could name {@code 127.0.0.1:5432} as itself and make this one send requests into its own machine.
 *
 * <p>Responses are read up to {@link HttpsSettings#maxResponseBytes()}. Failures are {@link RemoteServerException}s:
 * no address, refused, TLS failure or a dropped connection are unreachable; no complete answer within the request's
 * timeout is a timeout; an over-long body is a bad response. Discovery (DNS, well-known) runs on a small pool of its
 * own, never on an event loop.
 */
public final class HttpsFederationTransport implements FederationTransport, WellKnownFetcher, AutoCloseable {
  private static final String WELL_KNOWN_PATH = "/.well-known/matrix/server";
  private static final int WELL_KNOWN_MAX_BYTES = 64 * 1024;
  private static final long WELL_KNOWN_TIMEOUT_MS = 10_000;
  private static final int MAX_REDIRECTS = 5;
  // A server name may resolve to many addresses; a few failures in a row mean it is down, not unlucky.
  private static final int MAX_ATTEMPTS = 3;

  private final Vertx vertx;
  private final HttpsSettings settings;
  private final DnsLookup dns;
  private final ServerResolver resolver;
  private final HttpClientAgent client;
  private final ThreadPoolExecutor discovery;

  /** The transport with the system's DNS. */
  public HttpsFederationTransport(Vertx vertx, HttpsSettings settings) {
    this(vertx, settings, new SystemDnsLookup(vertx), Clock.systemUTC());
  }

  /** The transport with {@code dns} for discovery (tests give fixed answers). */
  public HttpsFederationTransport(Vertx vertx, HttpsSettings settings, DnsLookup dns, Clock clock) {
    this.vertx = vertx;
    this.settings = settings;
    this.dns = dns;
    this.resolver = new ServerResolver(dns, this, clock);
    HttpClientOptions options = new HttpClientOptions()
        .setSsl(true)
        .setTrustAll(!settings.verifyCertificates())
        .setVerifyHost(settings.verifyCertificates())
        .setKeepAlive(true)
        .setConnectTimeout((int) settings.connectTimeout().toMillis())
        // Pooled connections to a quiet peer are closed after a while; the next request opens a fresh one.
        .setIdleTimeout(60)
        .setIdleTimeoutUnit(TimeUnit.SECONDS);
    this.client = vertx.httpClientBuilder().with(options).with(new PoolOptions().setHttp1MaxSize(16)).build();
    AtomicInteger threads = new AtomicInteger();
    this.discovery = new ThreadPoolExecutor(8, 8, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), r -> {
      Thread thread = new Thread(r, "larch-federation-discovery-" + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    this.discovery.allowCoreThreadTimeOut(true);
  }

  @Override
  public CompletableFuture<TransportResponse> send(TransportRequest request) {
    long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(request.timeoutMillis());
    return CompletableFuture.supplyAsync(() -> resolver.resolve(request.destination()), discovery)
        .thenCompose(targets -> attempt(request, targets, 0, deadline));
  }

  private CompletableFuture<TransportResponse> attempt(
      TransportRequest request, List<ServerTarget> targets, int index, long deadline) {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      return CompletableFuture.failedFuture(RemoteServerException.timeout(request.destination(),
          "no response within " + request.timeoutMillis() + " ms (server discovery took it all)"));
    }
    ServerTarget target = targets.get(index);
    CompletableFuture<TransportResponse> result = exchange(request.destination(), target, request.method(),
        request.uri(), request.headers(), request.body(), left, settings.maxResponseBytes());
    if (index + 1 >= Math.min(targets.size(), MAX_ATTEMPTS)) {
      return result;
    }
    return result.handle((response, failure) -> {
      if (failure == null) {
        return CompletableFuture.completedFuture(response);
      }
      Throwable cause = unwrap(failure);
      if (cause instanceof RemoteServerException remote && remote.kind() == RemoteServerException.Kind.UNREACHABLE) {
        return attempt(request, targets, index + 1, deadline);
      }
      return CompletableFuture.<TransportResponse>failedFuture(cause);
    }).thenCompose(f -> f);
  }

  /** One request to one target; the future fails with a {@link RemoteServerException} naming {@code destination}. */
  private CompletableFuture<TransportResponse> exchange(String destination, ServerTarget target, String method,
      String uri, Map<String, String> headers, byte[] body, long timeoutMillis, long maxBytes) {
    CompletableFuture<TransportResponse> result = new CompletableFuture<>();
    InetAddress address = target.address();
    if (!settings.allowLoopback() && (address.isLoopbackAddress() || address.isAnyLocalAddress())) {
      result.completeExceptionally(RemoteServerException.unreachable(destination, "resolves to the loopback address "
          + address.getHostAddress() + ", which federation.allow_loopback does not allow", null));
      return result;
    }
    HttpMethod httpMethod;
    try {
      httpMethod = HttpMethod.valueOf(method);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("not an HTTP method: " + method, e);
    }
    String ip = address.getHostAddress();
    RequestOptions options = new RequestOptions()
        .setMethod(httpMethod)
        .setServer(SocketAddress.inetSocketAddress(target.port(), ip))
        // The peer host is the SNI and what the certificate is checked against.
        .setHost(target.tlsName() != null ? target.tlsName() : ip)
        .setPort(target.port())
        .setSsl(true)
        .setURI(uri)
        .setFollowRedirects(false)
        .setConnectTimeout(Math.min(timeoutMillis, settings.connectTimeout().toMillis()));
    AtomicReference<HttpClientRequest> sent = new AtomicReference<>();
    long timer = vertx.setTimer(timeoutMillis, id -> {
      if (result.completeExceptionally(RemoteServerException.timeout(destination,
          "no complete response within " + timeoutMillis + " ms"))) {
        HttpClientRequest request = sent.get();
        if (request != null) {
          request.reset();
        }
      }
    });
    result.whenComplete((r, e) -> vertx.cancelTimer(timer));
    client.request(options).onComplete(created -> {
      if (created.failed()) {
        result.completeExceptionally(unreachable(destination, target, created.cause()));
        return;
      }
      HttpClientRequest request = created.result();
      sent.set(request);
      if (result.isDone()) {
        request.reset();
        return;
      }
      request.authority(authority(target.hostHeader()));
      headers.forEach(request::putHeader);
      request.response().onComplete(answered -> {
        if (answered.failed()) {
          result.completeExceptionally(unreachable(destination, target, answered.cause()));
        } else {
          read(destination, request, answered.result(), maxBytes, result);
        }
      });
      (body.length == 0 ? request.end() : request.end(Buffer.buffer(body))).onFailure(
          failure -> result.completeExceptionally(unreachable(destination, target, failure)));
    });
    return result;
  }

  /** Reads the body up to {@code maxBytes}, failing the result (and dropping the connection) beyond it. */
  private static void read(String destination, HttpClientRequest request, HttpClientResponse response,
      long maxBytes, CompletableFuture<TransportResponse> result) {
    String length = response.getHeader("Content-Length");
    if (length != null) {
      try {
        if (Long.parseLong(length.strip()) > maxBytes) {
          tooLarge(destination, request, maxBytes, result);
          return;
        }
      } catch (NumberFormatException e) {
        // Vert.x itself rejects a bad Content-Length while reading; nothing to decide here.
      }
    }
    Buffer received = Buffer.buffer();
    response.handler(chunk -> {
      if (result.isDone()) {
        return;
      }
      if ((long) received.length() + chunk.length() > maxBytes) {
        tooLarge(destination, request, maxBytes, result);
      } else {
        received.appendBuffer(chunk);
      }
    });
    response.exceptionHandler(failure -> result.completeExceptionally(RemoteServerException.unreachable(
        destination, "connection failed during the response: " + describe(failure), failure)));
    response.endHandler(v -> {
      Map<String, String> headers = new TreeMap<>();
      response.headers().forEach(h -> headers.merge(h.getKey().toLowerCase(Locale.ROOT), h.getValue(),
          (a, b) -> a + ", " + b));
      result.complete(new TransportResponse(response.statusCode(), Map.copyOf(headers), received.getBytes()));
    });
  }

  private static void tooLarge(String destination, HttpClientRequest request, long maxBytes,
      CompletableFuture<TransportResponse> result) {
    if (result.completeExceptionally(RemoteServerException.badResponse(destination,
        "response larger than " + maxBytes + " bytes", null))) {
      request.reset();
    }
  }

  /**
   * {@code GET https://<hostname>/.well-known/matrix/server}, following up to five HTTPS redirects (never a loop),
   * reading at most 64 KiB, in at most 10 seconds.
   */
  @Override
  public Response fetch(String hostname) {
    String host = hostname;
    int port = 443;
    String path = WELL_KNOWN_PATH;
    Set<String> visited = new HashSet<>();
    for (int hop = 0; hop <= MAX_REDIRECTS; hop++) {
      if (!visited.add(host + ":" + port + path)) {
        return Response.none(); // a redirect loop
      }
      Optional<TransportResponse> response = wellKnownHop(hostname, host, port, path);
      if (response.isEmpty()) {
        return Response.none();
      }
      TransportResponse r = response.get();
      String location = r.headers().get("location");
      if (isRedirect(r.status()) && location != null) {
        try {
          URI next = new URI("https", host + (port == 443 ? "" : ":" + port), path, null, null).resolve(location);
          if (!"https".equalsIgnoreCase(next.getScheme()) || next.getHost() == null) {
            return Response.none(); // never downgrade to plain HTTP
          }
          host = next.getHost().startsWith("[") ? next.getHost().substring(1, next.getHost().length() - 1)
              : next.getHost();
          port = next.getPort() < 0 ? 443 : next.getPort();
          path = next.getRawPath() == null || next.getRawPath().isEmpty() ? "/" : next.getRawPath();
          if (next.getRawQuery() != null) {
            path += "?" + next.getRawQuery();
          }
          continue;
        } catch (URISyntaxException | IllegalArgumentException e) {
          return Response.none();
        }
      }
      return new Response(r.status(), r.body(), maxAge(r.headers().get("cache-control")),
          noStore(r.headers().get("cache-control")));
    }
    return Response.none();
  }

  private Optional<TransportResponse> wellKnownHop(String serverName, String host, int port, String path) {
    List<InetAddress> addresses;
    try {
      addresses = dns.addresses(host);
    } catch (UnknownHostException | RuntimeException e) {
      return Optional.empty();
    }
    if (addresses.isEmpty()) {
      return Optional.empty();
    }
    ServerTarget target = new ServerTarget(addresses.get(0), port, port == 443 ? host : host + ":" + port,
        isAddress(host) ? null : host);
    try {
      return Optional.of(exchange(serverName, target, "GET", path, Map.of(), new byte[0], WELL_KNOWN_TIMEOUT_MS,
          WELL_KNOWN_MAX_BYTES).get(WELL_KNOWN_TIMEOUT_MS + 1_000, TimeUnit.MILLISECONDS));
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  private static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  static Optional<Long> maxAge(String cacheControl) {
    if (cacheControl == null) {
      return Optional.empty();
    }
    for (String directive : cacheControl.split(",")) {
      String d = directive.strip().toLowerCase(Locale.ROOT);
      if (d.startsWith("max-age=")) {
        try {
          return Optional.of(Long.parseLong(d.substring("max-age=".length()).replace("\"", "").strip()));
        } catch (NumberFormatException e) {
          return Optional.empty();
        }
      }
    }
    return Optional.empty();
  }

  static boolean noStore(String cacheControl) {
    if (cacheControl == null) {
      return false;
    }
    for (String directive : cacheControl.split(",")) {
      String d = directive.strip().toLowerCase(Locale.ROOT);
      if (d.equals("no-store") || d.equals("no-cache")) {
        return true;
      }
    }
    return false;
  }

  private static boolean isAddress(String host) {
    return host.indexOf(':') >= 0 || host.chars().allMatch(c -> c == '.' || (c >= '0' && c <= '9'));
  }

  /** {@code host}, {@code host:port} or {@code [v6]:port} as a Host header. */
  private static HostAndPort authority(String hostHeader) {
    int colon = hostHeader.lastIndexOf(':');
    int bracket = hostHeader.lastIndexOf(']');
    if (colon > bracket && colon > 0) {
      return HostAndPort.create(hostHeader.substring(0, colon), Integer.parseInt(hostHeader.substring(colon + 1)));
    }
    return HostAndPort.create(hostHeader, -1);
  }

  private static RemoteServerException unreachable(String destination, ServerTarget target, Throwable cause) {
    return RemoteServerException.unreachable(destination, "cannot reach " + target.address().getHostAddress() + ":"
        + target.port() + ": " + describe(cause), cause);
  }

  private static String describe(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return message == null ? root.getClass().getSimpleName() : message;
  }

  private static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof java.util.concurrent.CompletionException || t instanceof ExecutionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    return t;
  }

  @Override
  public void close() {
    discovery.shutdownNow();
    client.close();
  }
}
