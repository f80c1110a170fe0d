package dev.larch.federation.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.larch.core.json.ReceivedJson;
import dev.larch.http.ReceivedRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;

/**
 * One federation request as an endpoint sees it, copied off the event loop: path and query parameters, the body,
 * and the server that signed it (empty for the few open endpoints such as {@code /version} and the key API).
 *
 * <p>Bodies are JSON objects parsed as received ({@link ReceivedJson}: exact numbers, duplicate keys refused), so
 * events inside them keep the bytes their senders signed.
 */
public final class FederationRequest extends ReceivedRequest {
  private final String method;
  private final String uri;
  private final List<String> authorization;
  private final String origin;

  /**
   * @param uri the request target as received (raw path and query)
   * @param origin the authenticated origin server, or null before authentication / for open endpoints
   */
  public FederationRequest(String method, String uri, Map<String, String> pathParams, Map<String, List<String>> query,
      byte[] body, List<String> authorization, String origin) {
    super(pathParams, query, body);
    this.method = method;
    this.uri = uri;
    this.authorization = List.copyOf(authorization);
    this.origin = origin;
  }

  private FederationRequest(FederationRequest other, String origin) {
    super(other);
    this.method = other.method;
    this.uri = other.uri;
    this.authorization = other.authorization;
    this.origin = origin;
  }

  /** Copies what an endpoint may read out of {@code ctx}; call on the event loop. */
  static FederationRequest from(RoutingContext ctx) {
    byte[] body = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    return new FederationRequest(ctx.request().method().name(), ctx.request().uri(), ctx.pathParams(),
        queryLists(ctx.queryParams()), body, ctx.request().headers().getAll("Authorization"), null);
  }

  /** This request as sent by {@code origin}. */
  FederationRequest authenticatedAs(String origin) {
    return new FederationRequest(this, origin);
  }

  /** The server that signed the request. */
  public String origin() {
    if (origin == null) {
      throw new IllegalStateException("open endpoint: no origin");
    }
    return origin;
  }

  public String method() {
    return method;
  }

  /** The request target exactly as received: raw path and query string. */
  public String uri() {
    return uri;
  }

  /** The body as any JSON value, or null if there is none: what the request signature covers. */
  JsonNode content() {
    return hasBody() ? ReceivedJson.parseValue(bodyBytes()) : null;
  }

  /** Every {@code Authorization} header value as received. */
  public List<String> authorization() {
    return authorization;
  }
}
