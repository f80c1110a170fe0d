package dev.larch.core.federation.query;

import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.federation.RemoteServerException;
import java.util.Map;

/**
 * What a client is told when the server it asked about failed us. A refusal the remote made in Matrix terms
 * ({@code M_NOT_FOUND}, {@code M_FORBIDDEN}) is passed through with its status; anything else (unreachable, timed
 * out, a 5xx, a malformed answer) is 502 {@code M_UNKNOWN}, as Synapse answers a failed upstream server.
 */
public final class RemoteErrors {
  private RemoteErrors() {}

  /** The client-facing error for {@code e}, met while doing {@code what} (e.g. "resolve #a:b"). */
  public static MatrixException forClient(RemoteServerException e, String what) {
    if (e.kind() == RemoteServerException.Kind.HTTP_ERROR) {
      int status = e.status().orElse(502);
      if (status == 404) {
        return MatrixException.notFound("Could not " + what + ": " + e.destination() + " does not know it");
      }
      if (status >= 400 && status < 500 && status != 429) {
        ErrorCode code = e.errcode().flatMap(RemoteErrors::byCode).orElse(ErrorCode.FORBIDDEN);
        return withStatus(code, "Could not " + what + ": " + e.destination() + " refused (" + e.getMessage() + ")",
            status);
      }
    }
    return withStatus(ErrorCode.UNKNOWN, "Could not " + what + ": " + e.destination() + " failed ("
        + e.kind().name().toLowerCase(java.util.Locale.ROOT) + ")", 502);
  }

  private static java.util.Optional<ErrorCode> byCode(String errcode) {
    for (ErrorCode code : ErrorCode.values()) {
      if (code.code().equals(errcode) && code != ErrorCode.INTERNAL) {
        return java.util.Optional.of(code);
      }
    }
    return java.util.Optional.empty();
  }

  private static MatrixException withStatus(ErrorCode code, String message, int status) {
    return new MatrixException(code, message, Map.of(), null) {
      private static final long serialVersionUID = 1L;

      @Override
      public int httpStatus() {
        return status;
      }
    };
  }
}
