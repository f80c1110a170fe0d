package dev.larch.federation.transport;

import java.util.concurrent.CompletableFuture;

/**
 * Port: carries one federation HTTP request to a destination server and brings back its response, already signed
 * and encoded by the caller. Two implementations: HTTPS with Matrix server discovery for DNS names, and QUIC
 * sessions over the Pinecone overlay for 64-hex names ({@code server}'s {@code OverlayFederationTransport}).
 *
 * <p>The future fails with {@link dev.larch.core.federation.RemoteServerException} (unreachable, timeout) when no
 * response came; an HTTP error status is a normal response.
 */
public interface FederationTransport {
  CompletableFuture<TransportResponse> send(TransportRequest request);
}
