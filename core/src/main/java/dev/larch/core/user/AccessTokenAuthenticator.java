package dev.larch.core.user;

/**
 * Resolves an access token to the user and device it was issued to.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#using-access-tokens">client-server API v1.11,
 * "Using access tokens"</a>. Blocking (it may read the database): call it on a worker thread.
 */
public interface AccessTokenAuthenticator {
  /**
   * The requester {@code accessToken} authenticates.
   *
   * @throws dev.larch.core.error.MatrixException {@code M_UNKNOWN_TOKEN} with {@code soft_logout: false} when the
   *     token is unknown, expired or revoked
   */
  Requester authenticate(String accessToken);
}
