package dev.larch.server.p2p;

import dev.larch.http.JsonResponse;
import dev.larch.overlay.http.OverlayHttpRequest;
import dev.larch.overlay.http.OverlayHttpResponse;
import dev.larch.overlay.http.OverlayHttpServer;
import dev.larch.overlay.session.Sessions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the federation API to overlay peers: each HTTP request arriving on a QUIC stream is handed to the same
 * federation router the HTTPS listener uses, through a private loopback HTTP server, so every route, the X-Matrix
 * check and the error mapping are the ones classic federation has (a Vert.x router takes requests only from an HTTP
 * server; one loopback hop is the price, well under a millisecond).
 *
 * <p>Only the prefixes Dendrite serves over Pinecone are passed on ({@code p2p-federation.md} 2.4):
 * {@code /_matrix/federation/}, {@code /_matrix/media/}, {@code /_matrix/key/} and {@code /_matrix/p2p/profiles}.
 * Never the client API: clients talk to their own node only. Answers are due well within Dendrite's 10 s write
 * timeout; a request the router has not answered in {@link #ANSWER_TIMEOUT_MS} gets 504.
 */
public final class OverlayFederationServer {
  static final long ANSWER_TIMEOUT_MS = 9_000;
  private static final List<String> PREFIXES =
      List.of("/_matrix/federation/", "/_matrix/media/", "/_matrix/key/", "/_matrix/p2p/profiles");
  private static final Logger log = LoggerFactory.getLogger(OverlayFederationServer.class);

  private final HttpServer loopback;
  private final HttpClient client;

  private OverlayFederationServer(HttpServer loopback, HttpClient client) {
    this.loopback = loopback;
    this.client = client;
  }

  /**
   * Starts the loopback server for {@code federationRouter} and attaches to {@code sessions}.
   *
   * @param maxRequestBytes the largest request body taken from a peer
   */
  public static Future<OverlayFederationServer> start(Vertx vertx, Sessions sessions,
      Handler<HttpServerRequest> federationRouter, int maxRequestBytes) {
    return vertx.createHttpServer().requestHandler(federationRouter).listen(0, "127.0.0.1").map(server -> {
      HttpClient client = vertx.createHttpClient(new HttpClientOptions()
          .setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()).setKeepAlive(true));
      OverlayFederationServer result = new OverlayFederationServer(server, client);
      OverlayHttpServer.attach(sessions, maxRequestBytes, 4L * maxRequestBytes, result::handle);
      log.info("federation API served to overlay peers (via loopback port {})", server.actualPort());
      return result;
    });
  }

  /** Whether a request path is one overlay peers may reach. */
  static boolean served(String path) {
    for (String prefix : PREFIXES) {
      if (path.startsWith(prefix) || path.equals(prefix.substring(0, prefix.length() - 1))) {
        return true;
      }
    }
    return false;
  }

  private Future<OverlayHttpResponse> handle(OverlayHttpRequest request) {
    String path = request.path();
    int query = path.indexOf('?');
    if (!served(query < 0 ? path : path.substring(0, query))) {
      return Future.succeededFuture(error(404, "M_UNRECOGNIZED", "Unrecognized request"));
    }
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.valueOf(request.method()))
        .setURI(path)
        .setIdleTimeout(ANSWER_TIMEOUT_MS);
    return client.request(options).compose(out -> {
      MultiMap headers = out.headers();
      request.headers().forEach(entry -> {
        if (!"Content-Length".equalsIgnoreCase(entry.getKey()) && !"Connection".equalsIgnoreCase(entry.getKey())) {
          headers.add(entry.getKey(), entry.getValue());
        }
      });
      Buffer body = request.body() == null ? Buffer.buffer() : request.body();
      return out.send(body).compose(response -> response.body().map(bytes -> {
        MultiMap responseHeaders = MultiMap.caseInsensitiveMultiMap();
        response.headers().forEach(entry -> {
          if (!"Content-Length".equalsIgnoreCase(entry.getKey()) && !"Connection".equalsIgnoreCase(entry.getKey())
              && !"Transfer-Encoding".equalsIgnoreCase(entry.getKey())) {
            responseHeaders.add(entry.getKey(), entry.getValue());
          }
        });
        return new OverlayHttpResponse(response.statusCode(), responseHeaders, bytes);
      }));
    }).recover(e -> {
      log.warn("overlay federation request failed method={} path={} peer={}", request.method(), path, request.peer(),
          e);
      return Future.succeededFuture(error(504, "M_UNKNOWN", "The request could not be answered in time"));
    });
  }

  private static OverlayHttpResponse error(int status, String errcode, String message) {
    return OverlayHttpResponse.of(status, "application/json",
        Buffer.buffer(JsonResponse.encode(Map.of("errcode", errcode, "error", message))));
  }

  /** Stops the loopback server. */
  public Future<Void> close() {
    return client.close().eventually(() -> loopback.close());
  }
}
