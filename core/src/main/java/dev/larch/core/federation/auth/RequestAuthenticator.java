package dev.larch.core.federation.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.federation.keys.ServerKeys;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Checks the {@code Authorization: X-Matrix} headers of an incoming federation request and names the server that
 * sent it. Blocking (it may fetch the origin's key); call from a worker thread.
 *
 * <p>Spec: server-server API v1.11, "Request Authentication". Rules applied:
 *
 * <ul>
 *   <li>No X-Matrix header, or none that parses: {@code M_UNAUTHORIZED} (401).
 *   <li>Several headers (one per key) must all name the same origin; one valid signature is enough.
 *   <li>A {@code destination} that is not this server: {@code M_UNAUTHORIZED}, the request was meant for someone
 *       else (a replay). No destination is accepted, as the spec allows for old senders.
 *   <li>The key must be one the origin publishes and valid now ({@code valid_until_ts} not passed): an unknown or
 *       expired key, or a bad signature, is {@code M_UNAUTHORIZED}.
 * </ul>
 */
public final class RequestAuthenticator {
  private final String serverName;
  private final ServerKeys keys;
  private final Clock clock;

  /** @param serverName this server's name, which incoming requests must be addressed to */
  public RequestAuthenticator(String serverName, ServerKeys keys, Clock clock) {
    this.serverName = serverName;
    this.keys = keys;
    this.clock = clock;
  }

  /**
   * The origin server of the request.
   *
   * @param uri the request target as received: raw path and query, percent-encoding untouched
   * @param authorization every {@code Authorization} header value of the request
   * @param content the parsed JSON body, or null if the request has no body
   * @throws MatrixException {@code M_UNAUTHORIZED} when the request is not validly signed for this server
   */
  public String authenticate(String method, String uri, List<String> authorization, JsonNode content) {
    List<XMatrix> headers = new ArrayList<>();
    for (String value : authorization) {
      XMatrix.parse(value).ifPresent(headers::add);
    }
    if (headers.isEmpty()) {
      throw unauthorized("Missing or malformed X-Matrix Authorization header");
    }
    String origin = headers.get(0).origin();
    for (XMatrix header : headers) {
      if (!header.origin().equals(origin)) {
        throw unauthorized("X-Matrix headers name different origins");
      }
      if (header.destination() != null && !header.destination().equals(serverName)) {
        throw unauthorized("Request is addressed to " + header.destination() + ", not to this server");
      }
    }
    long now = clock.millis();
    String failure = "Unknown or expired signing key";
    for (XMatrix header : headers) {
      Optional<VerifyKey> key = keys.verifyKey(origin, header.keyId(), now);
      if (key.isEmpty()) {
        continue;
      }
      if (RequestSignature.verify(method, uri, content, header, key.get())) {
        return origin;
      }
      failure = "Invalid signature";
    }
    throw unauthorized(failure + " for " + origin);
  }

  private static MatrixException unauthorized(String message) {
    return new MatrixException(ErrorCode.UNAUTHORIZED, message);
  }
}
