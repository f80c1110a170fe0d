package dev.larch.core.federation;

import java.util.Optional;
import java.util.OptionalInt;

/**
 * A remote server's fault, or the network's: it could not be reached, did not answer in time, answered with an error
 * status, or answered with something that is not what the spec says. Distinct from {@code MatrixException} (our
 * client's fault) and from our own bugs, so that logs and callers treat a bad peer as a bad peer.
 *
 * <p>When a client request fails because of one, the client API reports it as the spec's usual codes (e.g.
 * {@code M_UNKNOWN} 502 or a passed-through {@code errcode}), decided where the client request is handled.
 */
public final class RemoteServerException extends RuntimeException {
  /** What went wrong, coarsely: enough to decide on retries and backoff. */
  public enum Kind {
    /** No connection could be made (DNS, refused, no route, peer not on the overlay). Retry later. */
    UNREACHABLE,
    /** Connected, but no complete answer in time. Retry later. */
    TIMEOUT,
    /** An HTTP error status, with the remote's {@code errcode} if it sent one. */
    HTTP_ERROR,
    /** A 2xx answer whose body is not the JSON the spec promises. */
    BAD_RESPONSE
  }

  private final String destination;
  private final Kind kind;
  private final int status;
  private final String errcode;

  private RemoteServerException(
      String destination, Kind kind, int status, String errcode, String message, Throwable cause) {
    super(destination + ": " + message, cause);
    this.destination = destination;
    this.kind = kind;
    this.status = status;
    this.errcode = errcode;
  }

  public static RemoteServerException unreachable(String destination, String message, Throwable cause) {
    return new RemoteServerException(destination, Kind.UNREACHABLE, 0, null, message, cause);
  }

  public static RemoteServerException timeout(String destination, String message) {
    return new RemoteServerException(destination, Kind.TIMEOUT, 0, null, message, null);
  }

  /**
   * @param errcode the {@code errcode} of the remote's error body, or null if it sent none
   * @param message the remote's {@code error} text or a short description
   */
  public static RemoteServerException httpError(String destination, int status, String errcode, String message) {
    return new RemoteServerException(destination, Kind.HTTP_ERROR, status, errcode, status + " " + message, null);
  }

  public static RemoteServerException badResponse(String destination, String message, Throwable cause) {
    return new RemoteServerException(destination, Kind.BAD_RESPONSE, 0, null, message, cause);
  }

  public String destination() {
    return destination;
  }

  public Kind kind() {
    return kind;
  }

  /** The HTTP status for {@link Kind#HTTP_ERROR}. */
  public OptionalInt status() {
    return kind == Kind.HTTP_ERROR ? OptionalInt.of(status) : OptionalInt.empty();
  }

  /** The remote's {@code errcode}, if it answered with a Matrix error body. */
  public Optional<String> errcode() {
    return Optional.ofNullable(errcode);
  }

  /** Whether trying again later may succeed: network trouble and the remote's 5xx/429, not its 4xx refusals. */
  public boolean retryable() {
    return switch (kind) {
      case UNREACHABLE, TIMEOUT -> true;
      case HTTP_ERROR -> status >= 500 || status == 429;
      case BAD_RESPONSE -> false;
    };
  }
}
