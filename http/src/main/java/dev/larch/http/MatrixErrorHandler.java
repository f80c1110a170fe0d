package dev.larch.http;

import dev.larch.core.error.ErrorBody;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.user.UserInteractiveAuthRequired;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Handler;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one failure handler of the client and federation routers: every failed request becomes a Matrix error
 * response here, so routes just throw (or {@code ctx.fail}) and never build error bodies themselves.
 *
 * <ul>
 *   <li>{@link MatrixException}: its errcode, message and extra fields, with its HTTP status.
 *   <li>{@link UserInteractiveAuthRequired}: 401 with the flows, session and completed stages.
 *   <li>A bare HTTP status (such as a body handler's 413): that status with a matching errcode.
 *   <li>Anything else is our bug: 500 {@code M_UNKNOWN} "Internal server error" with a fresh error id; the stack
 *       trace goes to the log under that id and never to the client or remote server.
 *   <li>No route for the path (404) or the method (405): {@code M_UNRECOGNIZED}.
 * </ul>
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#standard-error-response">client-server API
 * v1.11, "Standard error response"</a>.
 */
public final class MatrixErrorHandler implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(MatrixErrorHandler.class);

  private MatrixErrorHandler() {}

  /** Makes this handler the failure handler of every route of {@code router}, and its 404/405 handler. */
  public static void install(Router router) {
    MatrixErrorHandler handler = new MatrixErrorHandler();
    router.route().failureHandler(handler);
    router.errorHandler(404, ctx -> JsonResponse.end(ctx, 404, ErrorBody.unrecognized()));
    router.errorHandler(405, ctx -> JsonResponse.end(ctx, 405, ErrorBody.unrecognized()));
  }

  @Override
  public void handle(RoutingContext ctx) {
    Throwable failure = ctx.failure();
    if (ctx.response().headWritten()) {
      // Too late for an error body: the client sees a cut connection, we see the cause.
      log.error("failure after response started method={} path={}", ctx.request().method(), ctx.request().path(),
          failure);
      ctx.response().reset();
      return;
    }
    if (failure instanceof UserInteractiveAuthRequired uia) {
      JsonResponse.end(ctx, 401, uia.body());
      return;
    }
    if (failure instanceof MatrixException e && e.errorCode() != ErrorCode.INTERNAL) {
      JsonResponse.end(ctx, e.httpStatus(), ErrorBody.of(e));
      return;
    }
    int status = failure instanceof HttpException http ? http.getStatusCode() : ctx.statusCode();
    if (failure == null || failure instanceof HttpException) {
      if (status >= 400 && status < 500) {
        ErrorCode code = ErrorBody.forHttpStatus(status);
        JsonResponse.end(ctx, status, ErrorBody.of(code, HttpResponseStatus.valueOf(status).reasonPhrase()));
        return;
      }
    }
    String errorId = String.format("%08x", ThreadLocalRandom.current().nextInt());
    log.error("internal error error_id={} method={} path={} status={}", errorId, ctx.request().method(),
        ctx.request().path(), status, failure);
    JsonResponse.end(ctx, 500, ErrorBody.internal(errorId));
  }
}
