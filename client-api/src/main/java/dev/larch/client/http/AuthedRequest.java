package dev.larch.client.http;

import dev.larch.core.user.Requester;
import java.util.Objects;

/**
 * A client request whose access token has been resolved: everything a {@link ClientRequest} has, plus who sent it.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#client-authentication">client-server API v1.11,
 * "Client authentication"</a>.
 */
public final class AuthedRequest extends ClientRequest {
  private final Requester requester;

  /** {@code request} as sent by {@code requester}. */
  public AuthedRequest(ClientRequest request, Requester requester) {
    super(request);
    this.requester = Objects.requireNonNull(requester, "requester");
  }

  /** The user, device and token the request was made with. */
  public Requester requester() {
    return requester;
  }

  /** The requesting user's ID, {@code @localpart:server}. */
  public String userId() {
    return requester.userId();
  }

  /** The device the access token belongs to. */
  public String deviceId() {
    return requester.deviceId();
  }
}
