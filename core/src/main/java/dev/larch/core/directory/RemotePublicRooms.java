package dev.larch.core.directory;

import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Where other servers' public room lists come from ({@code /publicRooms?server=...}): the federation
 * {@code publicRooms} endpoint, once there is a federation client. Until then {@link #NONE} treats every other
 * server as unreachable.
 *
 * <p>Spec: client-server API v1.11, {@code GET/POST /publicRooms} ({@code server}: "The server to fetch the public
 * room lists from"); server-server API, {@code GET/POST /_matrix/federation/v1/publicRooms}.
 */
@FunctionalInterface
public interface RemotePublicRooms {
  /** No federation: every other server is unreachable. */
  RemotePublicRooms NONE = (server, query) -> CompletableFuture.failedFuture(unreachable(server));

  /** One page of {@code server}'s published rooms under {@code query}. */
  CompletionStage<PublicRoomsPage> fetch(String server, PublicRoomsQuery query);

  /**
   * The error for a server whose list could not be fetched. The spec names none; like Synapse this is 502
   * {@code M_UNKNOWN} (the request was fine, the upstream server failed).
   */
  static MatrixException unreachable(String server) {
    return new MatrixException(ErrorCode.UNKNOWN, "Could not fetch the public room list of " + server, Map.of(),
        null) {
      private static final long serialVersionUID = 1L;

      @Override
      public int httpStatus() {
        return 502;
      }
    };
  }
}
