package dev.larch.core.federation.join;

import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.federation.RemoteServerException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Collects why each candidate server failed a join, knock or leave, and turns the lot into the error the client
 * gets once every candidate failed. As Synapse does: a remote's refusal (a 4xx with an {@code errcode}, e.g.
 * {@code M_FORBIDDEN} "not invited") is passed on with its errcode and status; when no server gave a usable answer
 * (unreachable, timed out, 5xx, a forged or malformed answer) it is 502 {@code M_UNKNOWN}; with no candidate at all,
 * 404 {@code M_NOT_FOUND}. Remote error texts are logged, never shown.
 */
final class CandidateFailures {
  private static final Logger log = LoggerFactory.getLogger(CandidateFailures.class);

  private final String action;
  private final String roomId;
  private final List<RemoteServerException> failures = new ArrayList<>();

  /** @param action what was tried, for messages: "join", "knock", "leave" */
  CandidateFailures(String action, String roomId) {
    this.action = action;
    this.roomId = roomId;
  }

  void add(RemoteServerException failure) {
    log.warn("remote {} failed room={} server={} kind={}: {}", action, roomId, failure.destination(),
        failure.kind(), failure.getMessage());
    failures.add(failure);
  }

  boolean isEmpty() {
    return failures.isEmpty();
  }

  /** The error for the client once every candidate failed. */
  MatrixException toMatrixException() {
    if (failures.isEmpty()) {
      return MatrixException.notFound("No known servers to " + action + " room " + roomId + " through");
    }
    Optional<RemoteServerException> refusal = refusal();
    if (refusal.isPresent()) {
      RemoteServerException e = refusal.get();
      int status = e.status().orElse(400);
      String errcode = e.errcode().orElse("M_UNKNOWN");
      ErrorCode code = Arrays.stream(ErrorCode.values())
          .filter(c -> c != ErrorCode.INTERNAL && c.code().equals(errcode))
          .findFirst()
          .orElse(ErrorCode.UNKNOWN);
      return withStatus(code, "Could not " + action + " room " + roomId + ": " + e.destination() + " refused ("
          + errcode + ")", status);
    }
    return withStatus(ErrorCode.UNKNOWN, "Failed to " + action + " room " + roomId + " via any server (tried "
        + failures.stream().map(RemoteServerException::destination).distinct().toList() + ")", 502);
  }

  // The last 4xx answer that carried an errcode: the most specific reason a server gave.
  private Optional<RemoteServerException> refusal() {
    for (int i = failures.size() - 1; i >= 0; i--) {
      RemoteServerException e = failures.get(i);
      int status = e.status().orElse(0);
      if (status >= 400 && status < 500 && status != 429 && e.errcode().isPresent()) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }

  // The spec's errcodes with the status the remote used (M_UNKNOWN has no fixed status).
  private static MatrixException withStatus(ErrorCode code, String message, int status) {
    if (status == code.httpStatus()) {
      return new MatrixException(code, message);
    }
    return new MatrixException(code, message, Map.of(), null) {
      private static final long serialVersionUID = 1L;

      @Override
      public int httpStatus() {
        return status;
      }
    };
  }
}
