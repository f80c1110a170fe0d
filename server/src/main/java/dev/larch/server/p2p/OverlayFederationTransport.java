package dev.larch.server.p2p;

import dev.larch.core.federation.RemoteServerException;
import dev.larch.federation.transport.FederationTransport;
import dev.larch.federation.transport.TransportRequest;
import dev.larch.federation.transport.TransportResponse;
import dev.larch.overlay.http.OverlayHttpClient;
import dev.larch.overlay.http.OverlayHttpResponse;
import dev.larch.overlay.identity.PublicKey;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Federation requests to P2P servers over the overlay: the destination's 64-hex name is its Pinecone key, and the
 * request travels as HTTP/1.1 on a QUIC stream to that key (Dendrite's {@code matrix://} round-tripper; design doc
 * {@code p2p-federation.md} 2.2). No DNS, no TLS at the HTTP layer: QUIC's TLS has proven the peer's key.
 */
public final class OverlayFederationTransport implements FederationTransport {
  private final OverlayHttpClient client;
  private final PublicKey self;

  public OverlayFederationTransport(OverlayHttpClient client, PublicKey self) {
    this.client = client;
    this.self = self;
  }

  @Override
  public CompletableFuture<TransportResponse> send(TransportRequest request) {
    PublicKey peer;
    try {
      peer = PublicKey.parse(request.destination());
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(
          RemoteServerException.unreachable(request.destination(), "not a P2P server name", e));
    }
    if (peer.equals(self)) {
      return CompletableFuture.failedFuture(
          RemoteServerException.unreachable(request.destination(), "refusing to dial this node itself", null));
    }
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    request.headers().forEach(headers::set);
    return client.request(peer, request.method(), request.uri(), headers, Buffer.buffer(request.body()))
        .toCompletionStage()
        .toCompletableFuture()
        .orTimeout(request.timeoutMillis(), TimeUnit.MILLISECONDS)
        .handle((response, error) -> {
          if (error != null) {
            throw new CompletionException(failure(request, unwrap(error)));
          }
          return response(response);
        });
  }

  private static TransportResponse response(OverlayHttpResponse response) {
    Map<String, String> headers = new HashMap<>();
    response.headers().forEach(entry -> headers.put(entry.getKey().toLowerCase(Locale.ROOT), entry.getValue()));
    return new TransportResponse(response.status(), headers, response.body().getBytes());
  }

  private static RemoteServerException failure(TransportRequest request, Throwable error) {
    if (error instanceof RemoteServerException remote) {
      return remote;
    }
    if (error instanceof TimeoutException) {
      return RemoteServerException.timeout(request.destination(),
          request.method() + " " + request.uri() + " over the overlay timed out");
    }
    return RemoteServerException.unreachable(request.destination(),
        request.method() + " " + request.uri() + " over the overlay failed: " + error.getMessage(), error);
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }
}
