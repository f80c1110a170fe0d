package dev.larch.federation.http;

/**
 * One federation endpoint: runs on a worker thread, returns the response body (a record, map or JSON tree, encoded
 * as JSON with status 200; null is {@code {}}), or throws a {@link dev.larch.core.error.MatrixException}.
 */
@FunctionalInterface
public interface FederationEndpoint {
  Object handle(FederationRequest request);
}
