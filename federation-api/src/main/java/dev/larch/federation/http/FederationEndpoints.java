package dev.larch.federation.http;

import dev.larch.core.federation.auth.RequestAuthenticator;
import dev.larch.http.JsonResponse;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.WorkerExecutor;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
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
  private final Consumer<String> originSeen;

  public FederationEndpoints(WorkerExecutor workers, RequestAuthenticator authenticator) {
    this(workers, authenticator, origin -> { });
  }

  /** @param originSeen told the origin of each validly signed request (on a worker thread; must return quickly) */
  public FederationEndpoints(WorkerExecutor workers, RequestAuthenticator authenticator,
      Consumer<String> originSeen) {
    this.workers = workers;
    this.authenticator = authenticator;
    this.originSeen = originSeen;
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

  /**
   * A handler for a signed endpoint whose answer is not JSON (federation media): {@code fn} runs on the worker pool
   * with the authenticated request and returns a stage of what {@code writer} then writes, on the request's
   * context. Failures of either go to the failure handler.
   */
  public <T> Handler<RoutingContext> signedRaw(Function<FederationRequest, CompletionStage<T>> fn,
      BiConsumer<RoutingContext, T> writer) {
    return raw(fn, writer, true);
  }

  /** {@link #signedRaw} for an endpoint anyone may call (the legacy media download peers fall back to). */
  public <T> Handler<RoutingContext> openRaw(Function<FederationRequest, CompletionStage<T>> fn,
      BiConsumer<RoutingContext, T> writer) {
    return raw(fn, writer, false);
  }

  private <T> Handler<RoutingContext> raw(Function<FederationRequest, CompletionStage<T>> fn,
      BiConsumer<RoutingContext, T> writer, boolean signed) {
    return ctx -> {
      FederationRequest request = FederationRequest.from(ctx);
      Context context = ctx.vertx().getOrCreateContext();
      workers.<CompletionStage<T>>executeBlocking(() -> fn.apply(signed ? authenticate(request) : request), false)
          .onComplete(started -> {
            if (started.failed()) {
              ctx.fail(started.cause());
              return;
            }
            started.result().whenComplete((value, error) -> context.runOnContext(v -> {
              if (ctx.response().closed() || ctx.response().ended()) {
                return;
              }
              if (error != null) {
                ctx.fail(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
                return;
              }
              try {
                writer.accept(ctx, value);
              } catch (RuntimeException e) {
                ctx.fail(e);
              }
            }));
          });
    };
  }

  private FederationRequest authenticate(FederationRequest request) {
    String origin = authenticator.authenticate(request.method(), request.uri(), request.authorization(),
        request.content());
    try {
      originSeen.accept(origin);
    } catch (RuntimeException e) {
      log.error("origin-seen listener failed origin={}", origin, e);
    }
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
