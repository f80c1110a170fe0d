package dev.larch.client.sync;

import dev.larch.client.http.AuthedRequest;
import dev.larch.client.push.PushServices;
import dev.larch.client.http.ClientPaths;
import dev.larch.client.http.Endpoints;
import dev.larch.core.error.MatrixException;
import dev.larch.core.filter.Filter;
import dev.larch.core.sync.SyncRequest;
import dev.larch.core.sync.SyncToken;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import java.util.Optional;
import java.util.concurrent.CompletionStage;

/**
 * {@code /sync}, the long-poll every client lives on.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#get_matrixclientv3sync">client-server API
 * v1.11, {@code GET /sync}</a>.
 */
public final class SyncRoutes {
  /** The longest a long-poll is held, whatever {@code timeout} the client asks for. */
  static final long MAX_TIMEOUT_MS = 5 * 60_000;

  private final SyncServices services;
  private final PushServices push;

  public SyncRoutes(SyncServices services) {
    this(services, null);
  }

  /** With unread counts and the {@code m.push_rules} event from {@code push} (null: zero counts). */
  public SyncRoutes(SyncServices services, PushServices push) {
    this.services = services;
    this.push = push;
  }

  /** Adds the routes below to {@code router}. */
  public void mount(Router router, Endpoints endpoints) {
    // GET /_matrix/client/v3/sync
    ClientPaths.route(router, HttpMethod.GET, "/sync", endpoints.authedAsync(this::sync));
  }

  private CompletionStage<Object> sync(AuthedRequest req) {
    SyncToken since = req.query("since").filter(s -> !s.isEmpty()).map(SyncToken::parse).orElse(null);
    Filter filter = services.filters().resolve(req.userId(), req.query("filter").orElse(null));
    boolean fullState = bool(req.query("full_state"), "full_state");
    long timeout = Math.min(nonNegativeLong(req.query("timeout"), "timeout"), MAX_TIMEOUT_MS);
    String setPresence = req.query("set_presence").orElse(null);
    SyncRequest request =
        new SyncRequest(req.userId(), req.deviceId(), since, filter, fullState, timeout, setPresence);
    SyncResponseJson json = new SyncResponseJson(services.events(), req.userId(), req.deviceId(), filter,
        push == null ? null : new SyncPushCounts(push, req.userId()));
    return services.sync().sync(request).thenApply(result -> json.write(result, since == null));
  }

  private static boolean bool(Optional<String> value, String name) {
    if (value.isEmpty()) {
      return false;
    }
    return switch (value.get()) {
      case "true" -> true;
      case "false" -> false;
      default -> throw MatrixException.invalidParam(name + " must be true or false");
    };
  }

  private static long nonNegativeLong(Optional<String> value, String name) {
    if (value.isEmpty() || value.get().isEmpty()) {
      return 0;
    }
    try {
      long parsed = Long.parseLong(value.get());
      if (parsed < 0) {
        throw MatrixException.invalidParam(name + " must not be negative");
      }
      return parsed;
    } catch (NumberFormatException e) {
      throw MatrixException.invalidParam(name + " must be an integer");
    }
  }
}
