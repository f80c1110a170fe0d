package dev.larch.federation.transport;

import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.federation.keys.P2pServerKey;
import java.util.concurrent.CompletableFuture;

/**
 * Picks the transport by destination: 64-hex P2P names go over the overlay transport the server registers (issue
 * 8's {@code OverlayFederationTransport}), every other name over the DNS/HTTPS transport. Either may be missing
 * (a classic node without the overlay, a P2P node without a federation listener): requests that would need it fail
 * as unreachable, which is what they are.
 */
public final class RoutingFederationTransport implements FederationTransport {
  private final FederationTransport dns;
  private volatile FederationTransport overlay;

  /** @param dns the transport for DNS names and IP literals, or null when this node does not federate over HTTPS */
  public RoutingFederationTransport(FederationTransport dns) {
    this.dns = dns;
  }

  /** Sets the transport for P2P names; until then they are unreachable. */
  public void registerOverlay(FederationTransport overlay) {
    this.overlay = overlay;
  }

  @Override
  public CompletableFuture<TransportResponse> send(TransportRequest request) {
    boolean p2p = P2pServerKey.isP2pName(request.destination());
    FederationTransport transport = p2p ? overlay : dns;
    if (transport == null) {
      return CompletableFuture.failedFuture(RemoteServerException.unreachable(request.destination(),
          p2p ? "the Pinecone overlay is not running on this node"
              : "this node does not federate over HTTPS (no federation listener configured)", null));
    }
    return transport.send(request);
  }
}
