package dev.larch.core.error;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Builds the JSON body of a Matrix error response, {@code {"errcode": ..., "error": ..., ...extra}}.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#standard-error-response">client-server API
 * v1.11, "Standard error response"</a>; the server-server API uses the same shape.
 *
 * <p>Pure on purpose: the client and federation API modules must not depend on each other, so each has its own small
 * Vert.x failure handler, and both build bodies here so the two can never disagree.
 */
public final class ErrorBody {
  /** The only text a client sees for our own faults: internals stay in the log. */
  public static final String INTERNAL_MESSAGE = "Internal server error";

  /**
   * The non-standard field carrying the id an internal error was logged under, namespaced as the spec asks of
   * custom fields, so a user can quote it and an operator can find the stack trace.
   */
  public static final String ERROR_ID_FIELD = "dev.larch.error_id";

  private ErrorBody() {}

  /** The body for {@code e}; an {@link ErrorCode#INTERNAL} error gets the generic message, never its own. */
  public static Map<String, Object> of(MatrixException e) {
    String message = e.errorCode() == ErrorCode.INTERNAL ? INTERNAL_MESSAGE : e.getMessage();
    Map<String, Object> body = of(e.errorCode(), message);
    // Extra fields may not overwrite the two the spec defines.
    e.extra().forEach(body::putIfAbsent);
    return body;
  }

  /** A body with just {@code errcode} and {@code error}, in that order. */
  public static Map<String, Object> of(ErrorCode code, String message) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("errcode", code.code());
    body.put("error", message == null ? "" : message);
    return body;
  }

  /** The 500 body for an unexpected failure, pointing at the log entry {@code errorId}. */
  public static Map<String, Object> internal(String errorId) {
    Map<String, Object> body = of(ErrorCode.INTERNAL, INTERNAL_MESSAGE);
    body.put(ERROR_ID_FIELD, errorId);
    return body;
  }

  /** The body for a path or method the server does not serve (HTTP 404 or 405). */
  public static Map<String, Object> unrecognized() {
    return of(ErrorCode.UNRECOGNIZED, "Unrecognized request");
  }

  /**
   * The errcode for a failure that carries only an HTTP status (for example a body handler's 413). The response
   * keeps that status; the errcode only names it: other 4xx become {@code M_UNKNOWN}, 5xx our own fault.
   */
  public static ErrorCode forHttpStatus(int status) {
    return switch (status) {
      case 401 -> ErrorCode.UNAUTHORIZED;
      case 403 -> ErrorCode.FORBIDDEN;
      case 404, 405 -> ErrorCode.UNRECOGNIZED;
      case 413 -> ErrorCode.TOO_LARGE;
      case 429 -> ErrorCode.LIMIT_EXCEEDED;
      default -> status >= 400 && status < 500 ? ErrorCode.UNKNOWN : ErrorCode.INTERNAL;
    };
  }
}
