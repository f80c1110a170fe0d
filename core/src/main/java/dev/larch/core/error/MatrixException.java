package dev.larch.core.error;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one error type of the client and federation APIs: an errcode, a message a client may read, and optional
 * extra response fields such as {@code retry_after_ms}. One handler per router maps it to an HTTP response.
 *
 * <p>Messages must never carry internals (SQL, paths, remote servers' error bodies).
 */
public class MatrixException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorCode errorCode;
  private final transient Map<String, Object> extra;

  public MatrixException(ErrorCode errorCode, String message) {
    this(errorCode, message, Map.of(), null);
  }

  public MatrixException(ErrorCode errorCode, String message, Map<String, Object> extra, Throwable cause) {
    super(message, cause, false, cause != null);
    this.errorCode = errorCode;
    this.extra = Collections.unmodifiableMap(new LinkedHashMap<>(extra));
  }

  public ErrorCode errorCode() {
    return errorCode;
  }

  /** Extra top-level fields of the error body (besides errcode and error). */
  public Map<String, Object> extra() {
    return extra;
  }

  /** The HTTP status this error is served with. */
  public int httpStatus() {
    return errorCode.httpStatus();
  }

  public static MatrixException forbidden(String message) {
    return new MatrixException(ErrorCode.FORBIDDEN, message);
  }

  public static MatrixException notFound(String message) {
    return new MatrixException(ErrorCode.NOT_FOUND, message);
  }

  public static MatrixException badJson(String message) {
    return new MatrixException(ErrorCode.BAD_JSON, message);
  }

  public static MatrixException notJson(String message) {
    return new MatrixException(ErrorCode.NOT_JSON, message);
  }

  public static MatrixException invalidParam(String message) {
    return new MatrixException(ErrorCode.INVALID_PARAM, message);
  }

  public static MatrixException missingParam(String message) {
    return new MatrixException(ErrorCode.MISSING_PARAM, message);
  }

  public static MatrixException tooLarge(String message) {
    return new MatrixException(ErrorCode.TOO_LARGE, message);
  }

  public static MatrixException unrecognized(String message) {
    return new MatrixException(ErrorCode.UNRECOGNIZED, message);
  }

  public static MatrixException limitExceeded(long retryAfterMs) {
    return new MatrixException(
        ErrorCode.LIMIT_EXCEEDED, "Too many requests", Map.of("retry_after_ms", retryAfterMs), null);
  }

  public static MatrixException unknownToken(String message, boolean softLogout) {
    return new MatrixException(ErrorCode.UNKNOWN_TOKEN, message, Map.of("soft_logout", softLogout), null);
  }
}
