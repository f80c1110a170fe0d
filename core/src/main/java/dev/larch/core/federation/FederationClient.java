package dev.larch.core.federation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Port: signed requests to another homeserver's federation API (and its key and media APIs), blocking. The
 * implementation signs each request with this server's key (X-Matrix, spec: server-server API, "Request
 * Authentication"), picks the transport by destination, and parses the answer as received JSON (exact numbers,
 * duplicate keys rejected), so signed events in it can be checked and stored byte-for-byte.
 *
 * <p>Call it from worker threads only. Every failure that is the remote side's (unreachable, timed out, an error
 * status, a body that is not JSON) is a {@link RemoteServerException}, never a {@code MatrixException}, so that
 * callers can tell a bad peer from a bad request of our own client.
 */
public interface FederationClient {
  /**
   * Sends {@code method pathAndQuery} to {@code destination} with {@code body} as its JSON content.
   *
   * @param destination the remote server name, e.g. {@code example.org:8448} or a 64-hex P2P name
   * @param method {@code GET}, {@code PUT} or {@code POST}
   * @param pathAndQuery the path with its query string, already percent-encoded, e.g.
   *     {@code /_matrix/federation/v1/make_join/!r%3Ax/%40u%3Ay?ver=10}
   * @param body the JSON body, or null for none (GET)
   * @return the response body of a 2xx answer (a JSON object for every federation endpoint we call)
   * @throws RemoteServerException if the request failed for any reason on the way or on the remote side
   */
  JsonNode request(String destination, String method, String pathAndQuery, ObjectNode body);

  /** {@link #request} with {@code GET} and no body. */
  default JsonNode get(String destination, String pathAndQuery) {
    return request(destination, "GET", pathAndQuery, null);
  }

  /** A client that reaches nobody: every request fails as unreachable (a server with federation off, tests). */
  FederationClient NONE =
      (destination, method, path, body) -> {
        throw RemoteServerException.unreachable(destination, "federation is not enabled on this server", null);
      };
}
