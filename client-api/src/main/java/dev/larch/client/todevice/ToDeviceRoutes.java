package dev.larch.client.todevice;

import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import dev.larch.core.todevice.ToDeviceService;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * Send-to-device messaging.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#put_matrixclientv3sendtodeviceeventtypetxnid">
 * client-server API v1.11, {@code PUT /sendToDevice/{eventType}/{txnId}}</a>.
 */
public final class ToDeviceRoutes {
  private final ToDeviceService toDevice;

  public ToDeviceRoutes(ToDeviceService toDevice) {
    this.toDevice = toDevice;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // PUT /_matrix/client/v3/sendToDevice/{eventType}/{txnId}
    ClientPaths.route(router, HttpMethod.PUT, "/sendToDevice/:eventType/:txnId", endpoints.authed(this::send));
  }

  private Object send(AuthedRequest req) {
    toDevice.send(req.requester(), req.path("eventType"), req.path("txnId"), req.json().get("messages"));
    return Map.of();
  }
}
