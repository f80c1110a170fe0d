package dev.larch.client.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.http.ReceivedRequest;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;

/**
 * One client request as an endpoint sees it: path and query parameters, headers and the body, copied from the
 * {@link RoutingContext} on the event loop so that a worker thread can read them without touching Vert.x.
 *
 * <p>Spec: <a href="https://spec.matrix.org/v1.11/client-server-api/#api-standards">client-server API v1.11, "API
 * standards"</a>: bodies are JSON objects; a body that is not JSON is {@code M_NOT_JSON}, one with the wrong shape
 * {@code M_BAD_JSON}. The {@code Content-Type} is not checked, because clients are sloppy about it.
 */
public class ClientRequest extends ReceivedRequest {
  private final MultiMap headers;
  private final String remoteAddress;

  /**
   * A request from plain values, for tests and for {@link #from}.
   *
   * @param pathParams decoded path parameters by name
   * @param body the raw body, empty when there is none
   */
  public ClientRequest(
      Map<String, String> pathParams, MultiMap query, MultiMap headers, byte[] body, String remoteAddress) {
    super(pathParams, queryLists(query), body);
    this.headers = headers;
    this.remoteAddress = remoteAddress;
  }

  /** The same request, for subclasses that add to it. */
  protected ClientRequest(ClientRequest other) {
    super(other);
    this.headers = other.headers;
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

  /** Like {@link #json()}, but an empty body is an empty object: for endpoints whose body is all optional. */
  public ObjectNode jsonOrEmpty() {
    return hasBody() ? json() : WireJson.emptyObject();
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

  /** The client's IP address (the TCP peer: a reverse proxy's own address when there is one). */
  public String remoteAddress() {
    return remoteAddress;
  }

  /** The first value of the request header {@code name} (case-insensitive), or null. */
  public String header(String name) {
    return headers.get(name);
  }
}
