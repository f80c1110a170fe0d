package dev.larch.core.user;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The 401 answer of user-interactive authentication: the flows, their parameters, the session and the stages done
 * so far, plus {@code errcode}/{@code error} when the last stage attempt failed. The client API writes
 * {@link #body()} as it is.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#user-interactive-authentication-api">client-server
 * API v1.11, "User-interactive authentication API"</a>. Not a {@code MatrixException}: the first 401 carries no
 * errcode, and clients (matrix-js-sdk) treat one as a failed stage.
 */
public final class UserInteractiveAuthRequired extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient Map<String, Object> body;

  public UserInteractiveAuthRequired(Map<String, Object> body) {
    super("user-interactive authentication required", null, false, false);
    this.body = Collections.unmodifiableMap(new LinkedHashMap<>(body));
  }

  /** The response body, served with HTTP 401. */
  public Map<String, Object> body() {
    return body;
  }
}
