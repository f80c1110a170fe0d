package dev.larch.client.http;

/**
 * One client API endpoint's logic: reads a request, calls {@code core}, returns the response body. Runs on a worker
 * thread, so it may block (database, hashing); it never touches Vert.x.
 *
 * <p>The result is written as JSON with status 200 ({@code null} writes {@code {}}), or as a {@link Reply} for
 * another status. A thrown {@link dev.larch.core.error.MatrixException} becomes its Matrix error response; anything
 * else is a 500 without internals. Spec: client-server API v1.11, "API standards".
 *
 * @param <R> {@link ClientRequest}, or {@link AuthedRequest} for endpoints that need an access token
 */
@FunctionalInterface
public interface Endpoint<R extends ClientRequest> {
  /** The response body (or {@link Reply}) for {@code request}. */
  Object handle(R request) throws Exception;
}
