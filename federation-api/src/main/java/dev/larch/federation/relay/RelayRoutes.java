package dev.larch.federation.relay;

import dev.larch.core.federation.auth.XMatrix;
import dev.larch.core.federation.relay.RelayService;
import dev.larch.federation.http.FederationEndpoints;
import io.vertx.ext.web.Router;

/**
 * The store-and-forward relay endpoints (Dendrite's shape, {@code p2p-federation.md} 5.1): {@code PUT send_relay}
 * hands a transaction over, {@code GET relay_txn} (with a JSON body) collects the next one. Both are signed; see
 * {@link RelayService} for who may collect.
 */
public final class RelayRoutes {
  private final RelayService relay;

  public RelayRoutes(RelayService relay) {
    this.relay = relay;
  }

  public void mount(Router router, FederationEndpoints endpoints) {
    router.put("/_matrix/federation/v1/send_relay/:txnId/:userId").handler(endpoints.signed(request -> {
      String header = request.authorization().stream()
          .filter(value -> XMatrix.parse(value).isPresent()).findFirst().orElseThrow();
      relay.accept(request.origin(), request.path("txnId"), request.path("userId"), request.rawBody(),
          request.uri(), header);
      return null;
    }));
    router.get("/_matrix/federation/v1/relay_txn/:userId").handler(endpoints.signed(
        request -> relay.collect(request.origin(), request.path("userId"),
            request.hasBody() ? request.json() : null)));
  }
}
