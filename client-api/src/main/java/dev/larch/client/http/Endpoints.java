package dev.larch.client.http;

import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.user.AccessTokenAuthenticator;
import dev.larch.core.user.Requester;
import dev.larch.http.JsonResponse;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an {@link Endpoint} into a Vert.x handler: copies the request on the event loop, resolves the access token
 * and runs the endpoint on the worker pool, encodes the result there, and writes it back on the event loop. Every
 * route of the client API goes through here, so authentication, threading and error mapping are written once
 * (Conduit's {@code Ruma<T>} extractor).
 *
 * <p>Blocking calls are submitted unordered ({@code executeBlocking(..., false)}): Vert.x's default would run all
 * requests of one connection's context one at a time. Failures go to the router's failure handler
 * ({@link dev.larch.http.MatrixErrorHandler}).
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#client-authentication">client-server API v1.11,
 * "Client authentication"</a>: the token comes from {@code Authorization: Bearer}, or from the deprecated
 * {@code access_token} query parameter old clients still send; none is {@code M_MISSING_TOKEN}.
 */
public final class Endpoints {
  private static final Logger log = LoggerFactory.getLogger(Endpoints.class);
  private static final byte[] EMPTY_OBJECT = {'{', '}'};

  private final WorkerExecutor workers;
  private final AccessTokenAuthenticator authenticator;

  /**
   * @param workers the pool endpoints run on, sized to the database pool
   * @param authenticator resolves access tokens (blocking; runs on {@code workers})
   */
  public Endpoints(WorkerExecutor workers, AccessTokenAuthenticator authenticator) {
    this.workers = workers;
    this.authenticator = authenticator;
  }

  /** A handler for an endpoint that needs no access token. */
  public Handler<RoutingContext> open(Endpoint<ClientRequest> fn) {
    return ctx -> {
      ClientRequest request = ClientRequest.from(ctx);
      long start = System.nanoTime();
      workers.<Encoded>executeBlocking(() -> encode(fn.handle(request)), false)
          .onComplete(result -> finish(ctx, result, start));
    };
  }

  /** A handler for an endpoint that needs an access token; {@code M_MISSING_TOKEN} without one. */
  public Handler<RoutingContext> authed(Endpoint<AuthedRequest> fn) {
    return ctx -> {
      String token;
      try {
        token = accessToken(ctx);
      } catch (MatrixException e) {
        ctx.fail(e);
        return;
      }
      ClientRequest request = ClientRequest.from(ctx);
      long start = System.nanoTime();
      workers.<Encoded>executeBlocking(() -> encode(fn.handle(authenticate(request, token))), false)
          .onComplete(result -> finish(ctx, result, start));
    };
  }

  /**
   * A handler for an authenticated endpoint that answers later (long-polls): {@code fn} runs on a worker, and the
   * response is written when its stage completes, on whatever thread that happens.
   */
  public Handler<RoutingContext> authedAsync(AsyncEndpoint<AuthedRequest> fn) {
    return ctx -> {
      String token;
      try {
        token = accessToken(ctx);
      } catch (MatrixException e) {
        ctx.fail(e);
        return;
      }
      ClientRequest request = ClientRequest.from(ctx);
      Context context = Vertx.currentContext();
      long start = System.nanoTime();
      workers.<CompletionStage<Object>>executeBlocking(() -> fn.handle(authenticate(request, token)), false)
          .onComplete(started -> {
            if (started.failed()) {
              finish(ctx, Future.failedFuture(started.cause()), start);
              return;
            }
            if (started.result() == null) {
              finish(ctx, Future.failedFuture(new IllegalStateException("async endpoint returned no stage")), start);
              return;
            }
            started.result().whenComplete((value, error) -> {
              AsyncResult<Encoded> encoded;
              if (error != null) {
                encoded = Future.failedFuture(unwrap(error));
              } else {
                try {
                  encoded = Future.succeededFuture(encode(value));
                } catch (RuntimeException e) {
                  encoded = Future.failedFuture(e);
                }
              }
              AsyncResult<Encoded> outcome = encoded;
              if (Vertx.currentContext() == context) {
                finish(ctx, outcome, start); // done before the worker returned: no second task on the loop
              } else {
                context.runOnContext(v -> finish(ctx, outcome, start));
              }
            });
          });
    };
  }

  private AuthedRequest authenticate(ClientRequest request, String token) {
    Requester requester = authenticator.authenticate(token);
    if (requester == null) {
      throw MatrixException.unknownToken("Unknown access token", false);
    }
    return new AuthedRequest(request, requester);
  }

  /**
   * The access token of {@code ctx}: {@code Authorization: Bearer <token>} first, else {@code ?access_token=}.
   *
   * @throws MatrixException {@code M_MISSING_TOKEN} when there is none, or the header has another scheme
   */
  static String accessToken(RoutingContext ctx) {
    HttpServerRequest request = ctx.request();
    String header = request.getHeader("Authorization");
    if (header != null) {
      String value = header.strip();
      if (value.length() > 7 && value.regionMatches(true, 0, "Bearer ", 0, 7)) {
        String token = value.substring(7).strip();
        if (!token.isEmpty()) {
          return token;
        }
      }
      throw new MatrixException(ErrorCode.MISSING_TOKEN, "Authorization header must be \"Bearer <access token>\"");
    }
    String query = ctx.queryParams().get("access_token");
    if (query != null && !query.isEmpty()) {
      return query;
    }
    throw new MatrixException(ErrorCode.MISSING_TOKEN, "Missing access token");
  }

  private static Encoded encode(Object result) {
    if (result == null) {
      return new Encoded(200, EMPTY_OBJECT);
    }
    if (result instanceof Reply reply) {
      Object body = reply.body() == null ? Map.of() : reply.body();
      return new Encoded(reply.status(), JsonResponse.encode(body));
    }
    return new Encoded(200, JsonResponse.encode(result));
  }

  private static void finish(RoutingContext ctx, AsyncResult<Encoded> result, long startNanos) {
    if (ctx.response().closed() || ctx.response().ended()) {
      log.debug("client gone before the response method={} path={}", ctx.request().method(), ctx.request().path());
      return;
    }
    if (result.succeeded()) {
      Encoded encoded = result.result();
      JsonResponse.end(ctx, encoded.status(), encoded.json());
      if (log.isDebugEnabled()) {
        log.debug("request method={} path={} status={} ms={}", ctx.request().method(), ctx.request().path(),
            encoded.status(), (System.nanoTime() - startNanos) / 1_000_000);
      }
    } else {
      ctx.fail(result.cause());
    }
  }

  private static Throwable unwrap(Throwable error) {
    return error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
  }

  private record Encoded(int status, byte[] json) {}
}
