package dev.larch.client.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.ReceivedJson;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One client request as an endpoint sees it: path and query parameters, headers and the body, copied from the
 * {@link RoutingContext} on the event loop so that a worker thread can read them without touching Vert.x.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#api-standards">client-server API v1.11, "API
 * standards"</a>: bodies are JSON objects; a body that is not JSON is {@code M_NOT_JSON}, one with the wrong shape
 * {@code M_BAD_JSON}. The {@code Content-Type} is not checked, because clients are sloppy about it.
 */
public class ClientRequest {
  private final Map<String, String> pathParams;
  private final Map<String, List<String>> query; // case-sensitive, unlike headers
  private final MultiMap headers;
  private final byte[] body;
  private final String remoteAddress;

  /**
   * A request from plain values, for tests and for {@link #from}.
   *
   * @param pathParams decoded path parameters by name
   * @param body the raw body, empty when there is none
   */
  public ClientRequest(
      Map<String, String> pathParams, MultiMap query, MultiMap headers, byte[] body, String remoteAddress) {
    this.pathParams = Map.copyOf(pathParams);
    Map<String, List<String>> copy = new java.util.LinkedHashMap<>();
    for (Map.Entry<String, String> entry : query) {
      copy.computeIfAbsent(entry.getKey(), k -> new java.util.ArrayList<>()).add(entry.getValue());
    }
    copy.replaceAll((name, values) -> List.copyOf(values));
    this.query = Map.copyOf(copy);
    this.headers = headers;
    this.body = body == null ? new byte[0] : body;
    this.remoteAddress = remoteAddress;
  }

  /** The same request, for subclasses that add to it. */
  protected ClientRequest(ClientRequest other) {
    this.pathParams = other.pathParams;
    this.query = other.query;
    this.headers = other.headers;
    this.body = other.body;
    this.remoteAddress = other.remoteAddress;
  }

  /** Copies what an endpoint may read out of {@code ctx}; call on the event loop. */
  public static ClientRequest from(RoutingContext ctx) {
    Buffer buffer = ctx.body() == null ? null : ctx.body().buffer();
    SocketAddress remote = ctx.request().remoteAddress();
    String address = remote == null ? "unknown" : remote.hostAddress() != null ? remote.hostAddress() : remote.toString();
    return new ClientRequest(
        ctx.pathParams(),
        ctx.queryParams(),
        MultiMap.caseInsensitiveMultiMap().addAll(ctx.request().headers()),
        buffer == null ? new byte[0] : buffer.getBytes(),
        address);
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

  /** Every value of the query parameter {@code name}, in request order; empty if not given. */
  public List<String> queryAll(String name) {
    return query.getOrDefault(name, List.of());
  }

  /**
   * The body as a JSON object, exactly as sent (see {@link ReceivedJson}): {@code M_NOT_JSON} if it is empty or not
   * JSON, {@code M_BAD_JSON} if it is JSON but not an object (or has duplicate keys). A fresh tree on every call.
   */
  public ObjectNode json() {
    return ReceivedJson.parseObject(body);
  }

  /** Like {@link #json()}, but an empty body is an empty object: for endpoints whose body is all optional. */
  public ObjectNode jsonOrEmpty() {
    return body.length == 0 ? WireJson.emptyObject() : json();
  }

  /**
   * The body mapped onto a wire record with the shared mapper's settings, without coercing types: a string where a
   * number belongs (or the reverse) is {@code M_BAD_JSON} naming the field. Unknown fields are ignored.
   */
  public <T> T body(Class<T> type) {
    return WireJson.map(json(), type);
  }

  /**
   * {@code json}, a tree this request's {@link #json()} returned, mapped like {@link #body(Class)}: for endpoints
   * that read both views (a wire record, and raw fields such as {@code auth}) without parsing twice.
   */
  public <T> T body(Class<T> type, ObjectNode json) {
    return WireJson.map(json, type);
  }

  /** The body's bytes as received; empty when there is none. */
  public byte[] rawBody() {
    return body.clone();
  }

  /** The client's IP address (the TCP peer: a reverse proxy's own address when there is one). */
  public String remoteAddress() {
    return remoteAddress;
  }

  /** The first value of the request header {@code name} (case-insensitive), or null. */
  public String header(String name) {
    return headers.get(name);
  }
}
