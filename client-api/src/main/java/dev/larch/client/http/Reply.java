package dev.larch.client.http;

/**
 * An endpoint result with a status other than 200, such as user-interactive authentication's 401 with its flows.
 * Errors are thrown as {@link dev.larch.core.error.MatrixException}, not returned as replies.
 *
 * <p>Spec: client-server API v1.11, "API standards".
 */
public final class Reply {
  private final int status;
  private final Object body;

  private Reply(int status, Object body) {
    this.status = status;
    this.body = body;
  }

  /** A JSON response with {@code status} and {@code body} (encoded with the shared mapper). */
  public static Reply of(int status, Object body) {
    if (status < 100 || status > 599) {
      throw new IllegalArgumentException("not an HTTP status: " + status);
    }
    return new Reply(status, body);
  }

  public int status() {
    return status;
  }

  public Object body() {
    return body;
  }
}
