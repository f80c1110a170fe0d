package dev.larch.client.receipt;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import dev.larch.core.error.MatrixException;
import dev.larch.core.receipt.ReceiptService;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * Receipts and read markers.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#receipts">client-server API v1.11,
 * "Receipts"</a> and <a href="https://spec.matrix.org/v1.11/client-server-api/#fully-read-markers">"Fully read
 * markers"</a>.
 */
public final class ReceiptRoutes {
  private final ReceiptService receipts;

  public ReceiptRoutes(ReceiptService receipts) {
    this.receipts = receipts;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // POST /_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId}
    ClientPaths.route(router, HttpMethod.POST, "/rooms/:roomId/receipt/:receiptType/:eventId",
        endpoints.authed(this::receipt));
    // POST /_matrix/client/v3/rooms/{roomId}/read_markers
    ClientPaths.route(router, HttpMethod.POST, "/rooms/:roomId/read_markers", endpoints.authed(this::readMarkers));
  }

  private Object receipt(AuthedRequest req) {
    String threadId = optionalString(req.jsonOrEmpty(), "thread_id");
    receipts.receipt(req.userId(), req.path("roomId"), req.path("receiptType"), req.path("eventId"), threadId);
    return Map.of();
  }

  private Object readMarkers(AuthedRequest req) {
    ObjectNode body = req.json();
    receipts.readMarkers(req.userId(), req.path("roomId"), optionalString(body, "m.fully_read"),
        optionalString(body, "m.read"), optionalString(body, "m.read.private"));
    return Map.of();
  }

  private static String optionalString(ObjectNode body, String key) {
    JsonNode value = body.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isTextual()) {
      throw MatrixException.badJson(key + " must be a string");
    }
    return value.textValue();
  }
}
