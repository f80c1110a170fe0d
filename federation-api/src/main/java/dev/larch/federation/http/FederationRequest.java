package dev.larch.federation.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.ReceivedJson;
import io.vertx.core.MultiMap;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One federation request as an endpoint sees it, copied off the event loop: path and query parameters, the body,
 * and the server that signed it (empty for the few open endpoints such as {@code /version} and the key API).
 *
 * <p>Bodies are JSON objects parsed as received ({@link ReceivedJson}: exact numbers, duplicate keys refused), so
 * events inside them keep the bytes their senders signed.
 */
public final class FederationRequest {
  private final String method;
  private final String uri;
  private final Map<String, String> pathParams;
  private final Map<String, List<String>> query;
  private final byte[] body;
  private final List<String> authorization;
  private final String origin;

  /**
   * @param uri the request target as received (raw path and query)
   * @param origin the authenticated origin server, or null before authentication / for open endpoints
   */
  public FederationRequest(String method, String uri, Map<String, String> pathParams, Map<String, List<String>> query,
      byte[] body, List<String> authorization, String origin) {
    this.method = method;
    this.uri = uri;
    this.pathParams = Map.copyOf(pathParams);
    this.query = Map.copyOf(query);
    this.body = body == null ? new byte[0] : body;
    this.authorization = List.copyOf(authorization);
    this.origin = origin;
  }

  /** Copies what an endpoint may read out of {@code ctx}; call on the event loop. */
  static FederationRequest from(RoutingContext ctx) {
    Map<String, List<String>> query = new java.util.LinkedHashMap<>();
    MultiMap params = ctx.queryParams();
    for (Map.Entry<String, String> entry : params) {
      query.computeIfAbsent(entry.getKey(), k -> new ArrayList<>()).add(entry.getValue());
    }
    query.replaceAll((k, v) -> List.copyOf(v));
    byte[] body = ctx.body() == null || ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    return new FederationRequest(ctx.request().method().name(), ctx.request().uri(), ctx.pathParams(), query, body,
        ctx.request().headers().getAll("Authorization"), null);
  }

  /** This request as sent by {@code origin}. */
  FederationRequest authenticatedAs(String origin) {
    return new FederationRequest(method, uri, pathParams, query, body, authorization, origin);
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

  /** The decoded path parameter {@code name}; {@code M_INVALID_PARAM} if the route has none of that name. */
  public String path(String name) {
    String value = pathParams.get(name);
    if (value == null) {
      throw MatrixException.invalidParam("missing path parameter " + name);
    }
    return value;
  }

  /** The first value of the query parameter {@code name}, decoded, if given. */
  public Optional<String> query(String name) {
    List<String> values = query.get(name);
    return values == null ? Optional.empty() : Optional.of(values.get(0));
  }

  /** Every value of the query parameter {@code name}, in order (e.g. {@code ver} of make_join, {@code v} of backfill). */
  public List<String> queryAll(String name) {
    return query.getOrDefault(name, List.of());
  }

  /** Whether the request has a body. */
  public boolean hasBody() {
    return body.length > 0;
  }

  /** The body as a JSON object as received: {@code M_NOT_JSON} if not JSON, {@code M_BAD_JSON} if not an object. */
  public ObjectNode json() {
    return ReceivedJson.parseObject(body);
  }

  /** The body as any JSON value, or null if there is none: what the request signature covers. */
  JsonNode content() {
    return body.length == 0 ? null : ReceivedJson.parseValue(body);
  }

  /** The body's bytes as received. */
  public byte[] rawBody() {
    return body.clone();
  }

  /** Every {@code Authorization} header value as received. */
  public List<String> authorization() {
    return authorization;
  }
}
