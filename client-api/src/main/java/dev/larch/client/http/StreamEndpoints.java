package dev.larch.client.http;

import dev.larch.core.error.MatrixException;
import dev.larch.core.user.AccessTokenAuthenticator;
import dev.larch.core.user.Requester;
import dev.larch.http.JsonResponse;
import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.file.AsyncFile;
import io.vertx.core.file.FileSystem;
import io.vertx.core.file.OpenOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;
import java.nio.file.Path;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link Endpoints}' sibling for binary bodies: file responses ({@link FileEndpoint}) and raw request bodies streamed
 * to disk ({@link UploadEndpoint}). Access tokens are resolved as in {@link Endpoints} and failures go to the same
 * router failure handler ({@link dev.larch.http.MatrixErrorHandler}), so errors are JSON as everywhere else.
 *
 * <p>Upload routes must be mounted before the router's {@code BodyHandler}, which would otherwise read the body into
 * memory under the JSON size limit. Here the body goes through {@link AsyncFile} (no blocking on the event loop)
 * with its own limit: a {@code Content-Length} over it is refused before a byte is read, and a body that turns out
 * larger is cut off at the limit. Either way, and when the client goes away mid-body, the file is deleted and the
 * endpoint's {@link UploadEndpoint#complete} never runs, so nothing is stored. After a refusal the rest of the body
 * is read and dropped (up to a bound), so the client can read the error before the connection is reused or closed.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#content-repository">client-server API v1.11,
 * "Content repository"</a> (413 {@code M_TOO_LARGE} for uploads over the limit).
 */
public final class StreamEndpoints {
  private static final Logger log = LoggerFactory.getLogger(StreamEndpoints.class);
  /** How much of a refused upload's body is read and dropped before giving up on the connection. */
  static final long DRAIN_LIMIT = 1 << 20;

  private final WorkerExecutor workers;
  private final AccessTokenAuthenticator authenticator;

  /** Runs endpoints on {@code workers}, resolving tokens with {@code authenticator}, like {@link Endpoints}. */
  public StreamEndpoints(WorkerExecutor workers, AccessTokenAuthenticator authenticator) {
    this.workers = workers;
    this.authenticator = authenticator;
  }

  /** A handler for a file endpoint that needs no access token. */
  public Handler<RoutingContext> openFile(FileEndpoint<ClientRequest> fn) {
    return ctx -> {
      ClientRequest request = ClientRequest.from(ctx);
      Context context = Vertx.currentContext();
      workers.<CompletionStage<FileReply>>executeBlocking(() -> fn.handle(request), false)
          .onComplete(started -> whenDone(ctx, context, started));
    };
  }

  /** A handler for a file endpoint that needs an access token; {@code M_MISSING_TOKEN} without one. */
  public Handler<RoutingContext> authedFile(FileEndpoint<AuthedRequest> fn) {
    return ctx -> {
      String token;
      try {
        token = Endpoints.accessToken(ctx);
      } catch (MatrixException e) {
        ctx.fail(e);
        return;
      }
      ClientRequest request = ClientRequest.from(ctx);
      Context context = Vertx.currentContext();
      workers.<CompletionStage<FileReply>>executeBlocking(() -> fn.handle(authenticate(request, token)), false)
          .onComplete(started -> whenDone(ctx, context, started));
    };
  }

  /**
   * A handler for an upload that needs an access token, whose body may be up to {@code maxBytes} long (413
   * {@code M_TOO_LARGE} beyond). The route must come before the {@code BodyHandler}.
   */
  public Handler<RoutingContext> authedUpload(long maxBytes, UploadEndpoint fn) {
    return ctx -> {
      HttpServerRequest http = ctx.request();
      http.pause();
      String token;
      try {
        token = Endpoints.accessToken(ctx);
        checkDeclaredLength(http, maxBytes);
      } catch (MatrixException e) {
        failEarly(ctx, e);
        return;
      }
      ClientRequest request = ClientRequest.from(ctx);
      BodyReceiver receiver = new BodyReceiver(ctx, maxBytes, fn);
      workers.<Started>executeBlocking(() -> {
        AuthedRequest authed = authenticate(request, token);
        return new Started(authed, fn.begin(authed));
      }, false).onComplete(receiver::started);
    };
  }

  private AuthedRequest authenticate(ClientRequest request, String token) {
    Requester requester = authenticator.authenticate(token);
    if (requester == null) {
      throw MatrixException.unknownToken("Unknown access token", false);
    }
    return new AuthedRequest(request, requester);
  }

  private static void checkDeclaredLength(HttpServerRequest http, long maxBytes) {
    String declared = http.getHeader("Content-Length");
    if (declared == null) {
      return;
    }
    try {
      if (Long.parseLong(declared.strip()) > maxBytes) {
        throw tooLarge(maxBytes);
      }
    } catch (NumberFormatException e) {
      throw MatrixException.invalidParam("Content-Length is not a number");
    }
  }

  static MatrixException tooLarge(long maxBytes) {
    return MatrixException.tooLarge("Cannot upload files larger than " + maxBytes + " bytes");
  }

  /**
   * Fails the request. The rest of its body is read and dropped, so the client can finish sending and read the
   * error (closing with unread data would reset the connection under it); beyond {@value #DRAIN_LIMIT} more bytes
   * the connection is closed (HTTP/1) or the stream reset (HTTP/2) instead.
   */
  private static void failEarly(RoutingContext ctx, Throwable error) {
    HttpServerRequest http = ctx.request();
    if (!http.isEnded()) {
      long[] drained = {0};
      http.endHandler(null);
      http.handler(buffer -> {
        drained[0] += buffer.length();
        if (drained[0] > DRAIN_LIMIT) {
          http.handler(null);
          http.pause();
          if (http.version() == HttpVersion.HTTP_2) {
            http.response().reset();
          } else {
            http.connection().close();
          }
        }
      });
      http.resume();
    }
    ctx.fail(error);
  }

  private void whenDone(RoutingContext ctx, Context context, AsyncResult<CompletionStage<FileReply>> started) {
    if (started.failed()) {
      ctx.fail(started.cause());
      return;
    }
    if (started.result() == null) {
      ctx.fail(new IllegalStateException("file endpoint returned no stage"));
      return;
    }
    started.result().whenComplete((reply, error) -> context.runOnContext(v -> {
      if (error != null) {
        ctx.fail(error instanceof CompletionException && error.getCause() != null ? error.getCause() : error);
      } else {
        send(ctx, reply);
      }
    }));
  }

  private static void send(RoutingContext ctx, FileReply reply) {
    HttpServerResponse response = ctx.response();
    if (response.closed() || response.ended()) {
      log.debug("client gone before the file method={} path={}", ctx.request().method(), ctx.request().path());
      return;
    }
    reply.headers().forEach(response::putHeader);
    response.putHeader("Content-Type", reply.contentType());
    response.sendFile(reply.file().toString(), 0, reply.length()).onFailure(e -> {
      if (response.headWritten()) {
        log.debug("file response cut off path={}", ctx.request().path(), e);
      } else {
        ctx.fail(e);
      }
    });
  }

  private record Started(AuthedRequest request, Path file) {}

  /** One upload body on its way into a file; every callback runs on the request's event loop. */
  private final class BodyReceiver {
    private final RoutingContext ctx;
    private final HttpServerRequest http;
    private final FileSystem fs;
    private final long maxBytes;
    private final UploadEndpoint fn;
    private Started started; // set once the endpoint has begun
    private AsyncFile file; // set once that file is open
    private long received;
    private boolean done;

    /** Listens for the client going away from the start, so a connection lost while on the worker is noticed. */
    BodyReceiver(RoutingContext ctx, long maxBytes, UploadEndpoint fn) {
      this.ctx = ctx;
      this.http = ctx.request();
      this.fs = ctx.vertx().fileSystem();
      this.maxBytes = maxBytes;
      this.fn = fn;
      http.exceptionHandler(this::abort);
    }

    /** The endpoint has begun (or refused): open its file and let the body flow into it. */
    void started(AsyncResult<Started> begun) {
      if (begun.failed()) {
        if (!done) {
          done = true;
          failEarly(ctx, begun.cause());
        }
        return;
      }
      started = begun.result();
      if (done) {
        discard(); // the client went away while the endpoint began
        return;
      }
      fs.open(started.file().toString(), new OpenOptions().setWrite(true).setCreate(false))
          .onFailure(this::abort)
          .onSuccess(opened -> {
            file = opened;
            if (done) {
              file.close().onComplete(closed -> discard());
              return;
            }
            http.handler(this::chunk);
            http.endHandler(v -> end());
            if ("100-continue".equalsIgnoreCase(http.getHeader("Expect"))) {
              ctx.response().writeContinue();
            }
            http.resume();
          });
    }

    private void chunk(Buffer buffer) {
      if (done) {
        return;
      }
      received += buffer.length();
      if (received > maxBytes) {
        abort(tooLarge(maxBytes));
        return;
      }
      file.write(buffer);
      if (file.writeQueueFull()) {
        http.pause();
        file.drainHandler(v -> http.resume());
      }
    }

    private void end() {
      if (done) {
        return;
      }
      done = true;
      long length = received;
      file.close().onComplete(closed -> {
        if (closed.failed()) {
          discard();
          ctx.fail(closed.cause());
          return;
        }
        workers.<byte[]>executeBlocking(
                () -> JsonResponse.encode(orEmpty(fn.complete(started.request(), started.file(), length))), false)
            .onComplete(result -> {
              discard();
              if (result.failed()) {
                ctx.fail(result.cause());
              } else if (!ctx.response().closed() && !ctx.response().ended()) {
                JsonResponse.end(ctx, 200, result.result());
              }
            });
      });
    }

    private void abort(Throwable error) {
      if (done) {
        return;
      }
      done = true;
      http.pause();
      if (file != null) {
        file.close().onComplete(closed -> discard());
      } else if (started != null) {
        discard();
      } // else: started() discards the file when the endpoint has made it
      if (ctx.response().closed()) {
        log.debug("upload cut off by the client path={} received={}", http.path(), received);
        return;
      }
      failEarly(ctx, error);
    }

    private void discard() {
      if (started == null) {
        return;
      }
      fs.delete(started.file().toString()).onFailure(e -> {
        // Usually moved into the content store already; anything else is left for the next start to clear.
      });
    }

    private Object orEmpty(Object result) {
      return result == null ? java.util.Map.of() : result;
    }
  }
}
