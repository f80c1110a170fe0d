package dev.larch.federation.send;

import dev.larch.core.federation.inbound.TransactionReceiver;
import dev.larch.federation.http.FederationEndpoints;
import io.vertx.ext.web.Router;

/**
 * Receiving transactions: another server pushes PDUs and EDUs here, and gets one result per PDU back. The work is
 * {@link TransactionReceiver}'s (limits, idempotency, the inbound PDU pipeline, EDUs); this is only the route.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/server-server-api/#put_matrixfederationv1sendtxnid">server-server
 * API v1.11, "PUT /_matrix/federation/v1/send/{txnId}"</a>. A transaction can be large (50 PDUs of up to 64 KiB
 * each, plus 100 EDUs): the router's body limit must allow a few MiB.
 */
public final class SendRoutes {
  private final TransactionReceiver receiver;

  public SendRoutes(TransactionReceiver receiver) {
    this.receiver = receiver;
  }

  /** Adds the route to {@code router}. */
  public void mount(Router router, FederationEndpoints endpoints) {
    // PUT /_matrix/federation/v1/send/{txnId}: signed by the origin; the body is the transaction.
    router.put("/_matrix/federation/v1/send/:txnId").handler(endpoints.signed(
        request -> receiver.receive(request.origin(), request.path("txnId"), request.json())));
  }
}
