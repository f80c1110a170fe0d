package dev.larch.client.typing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import dev.larch.core.error.MatrixException;
import dev.larch.core.typing.TypingService;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.Map;

/**
 * Typing notifications.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#typing-notifications">client-server API
 * v1.11, "Typing Notifications"</a>.
 */
public final class TypingRoutes {
  private final TypingService typing;

  public TypingRoutes(TypingService typing) {
    this.typing = typing;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // PUT /_matrix/client/v3/rooms/{roomId}/typing/{userId}
    ClientPaths.route(router, HttpMethod.PUT, "/rooms/:roomId/typing/:userId", endpoints.authed(this::put));
  }

  private Object put(AuthedRequest req) {
    ObjectNode body = req.json();
    JsonNode isTyping = body.get("typing");
    if (isTyping == null || !isTyping.isBoolean()) {
      throw MatrixException.badJson("typing must be a boolean");
    }
    JsonNode timeout = body.get("timeout");
    if (timeout != null && !timeout.isNull() && !timeout.isIntegralNumber()) {
      throw MatrixException.badJson("timeout must be an integer");
    }
    long timeoutMs = timeout == null || timeout.isNull() ? 0 : timeout.asLong();
    typing.setTyping(req.userId(), req.path("userId"), req.path("roomId"), isTyping.booleanValue(), timeoutMs);
    return Map.of();
  }
}
