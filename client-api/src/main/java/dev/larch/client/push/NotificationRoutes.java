package dev.larch.client.push;

import dev.larch.client.http.AuthedRequest;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import dev.larch.core.error.MatrixException;
import dev.larch.core.push.NotificationService;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.Optional;

/**
 * The events a user was notified about.
 *
 * <p>Spec: client-server API v1.11, {@code GET /notifications} ({@code from}, {@code limit},
 * {@code only=highlight}).
 */
public final class NotificationRoutes {
  private final NotificationService notifications;

  public NotificationRoutes(NotificationService notifications) {
    this.notifications = notifications;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // GET /_matrix/client/v3/notifications
    ClientPaths.route(router, HttpMethod.GET, "/notifications", endpoints.authed(this::list));
  }

  private Object list(AuthedRequest req) {
    return notifications.notifications(req.userId(), req.deviceId(), req.query("from").orElse(null),
        limit(req.query("limit")), req.query("only").orElse(null));
  }

  private static Integer limit(Optional<String> value) {
    if (value.isEmpty() || value.get().isEmpty()) {
      return null;
    }
    try {
      return Integer.parseInt(value.get());
    } catch (NumberFormatException e) {
      throw MatrixException.invalidParam("limit must be an integer");
    }
  }
}
