package dev.larch.federation.http;

import dev.larch.core.federation.auth.RequestAuthenticator;
import dev.larch.http.JsonResponse;
import io.vertx.core.AsyncResult;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link FederationEndpoint} into a Vert.x handler: copies the request on the event loop, checks its X-Matrix
 * signature on the worker pool (which may fetch the origin's key), runs the endpoint there, and writes the JSON
 * back. Every federation route goes through here, so authentication, threading and error mapping are written once.
 * Failures go to the router's failure handler ({@link dev.larch.http.MatrixErrorHandler}).
 */
public final class FederationEndpoints {
  private static final Logger log = LoggerFactory.getLogger(FederationEndpoints.class);

  private final WorkerExecutor workers;
  private final RequestAuthenticator authenticator;

  public FederationEndpoints(WorkerExecutor workers, RequestAuthenticator authenticator) {
    this.workers = workers;
    this.authenticator = authenticator;
  }

  /** A handler for an endpoint anyone may call (the key API, {@code /version}). */
  public Handler<RoutingContext> open(FederationEndpoint fn) {
    return ctx -> {
      FederationRequest request = FederationRequest.from(ctx);
      workers.<byte[]>executeBlocking(() -> encode(fn.handle(request)), false)
          .onComplete(result -> finish(ctx, result));
    };
  }

  /** A handler for an endpoint that only a validly signed request may reach; {@code M_UNAUTHORIZED} otherwise. */
  public Handler<RoutingContext> signed(FederationEndpoint fn) {
    return ctx -> {
      FederationRequest request = FederationRequest.from(ctx);
      workers.<byte[]>executeBlocking(() -> encode(fn.handle(authenticate(request))), false)
          .onComplete(result -> finish(ctx, result));
    };
  }

  private FederationRequest authenticate(FederationRequest request) {
    String origin = authenticator.authenticate(request.method(), request.uri(), request.authorization(),
        request.content());
    return request.authenticatedAs(origin);
  }

  private static byte[] encode(Object result) {
    return JsonResponse.encode(result == null ? Map.of() : result);
  }

  private static void finish(RoutingContext ctx, AsyncResult<byte[]> result) {
    if (ctx.response().closed() || ctx.response().ended()) {
      log.debug("peer gone before the response method={} path={}", ctx.request().method(), ctx.request().path());
      return;
    }
    if (result.succeeded()) {
      JsonResponse.end(ctx, 200, result.result());
    } else {
      ctx.fail(result.cause());
    }
  }
}
