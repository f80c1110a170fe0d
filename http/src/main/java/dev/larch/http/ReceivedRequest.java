package dev.larch.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.json.ReceivedJson;
import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What an endpoint of either API reads of every request: the decoded path and query parameters and the body,
 * copied from the routing context on the event loop so that a worker thread can read them without touching Vert.x.
 * Each API's request adds what only it has (headers and the client's address; the signing server).
 */
public abstract class ReceivedRequest {
  private final Map<String, String> pathParams;
  private final Map<String, List<String>> query; // case-sensitive, unlike headers
  private final byte[] body;

  /**
   * @param pathParams decoded path parameters by name
   * @param query decoded query parameters by name, each with its values in request order
   * @param body the raw body, empty or null when there is none
   */
  protected ReceivedRequest(Map<String, String> pathParams, Map<String, List<String>> query, byte[] body) {
    this.pathParams = Map.copyOf(pathParams);
    this.query = Map.copyOf(query);
    this.body = body == null ? new byte[0] : body;
  }

  /** The same parameters and body, for a request that adds to another one. */
  protected ReceivedRequest(ReceivedRequest other) {
    this(other.pathParams, other.query, other.body);
  }

  /** Vert.x query parameters as a map of each name to its values in request order. */
  protected static Map<String, List<String>> queryLists(MultiMap params) {
    Map<String, List<String>> lists = new LinkedHashMap<>();
    for (Map.Entry<String, String> entry : params) {
      lists.computeIfAbsent(entry.getKey(), k -> new ArrayList<>()).add(entry.getValue());
    }
    lists.replaceAll((name, values) -> List.copyOf(values));
    return lists;
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

  /**
   * Every value of the query parameter {@code name}, in request order (e.g. {@code ver} of make_join, {@code v} of
   * backfill); empty if not given.
   */
  public List<String> queryAll(String name) {
    return query.getOrDefault(name, List.of());
  }

  /** Whether the request has a body. */
  public boolean hasBody() {
    return body.length > 0;
  }

  /**
   * The body as a JSON object, exactly as sent (see {@link ReceivedJson}: exact numbers, so that events inside keep
   * the bytes their senders signed): {@code M_NOT_JSON} if it is empty or not JSON, {@code M_BAD_JSON} if it is JSON
   * but not an object (or has duplicate keys). A fresh tree on every call.
   */
  public ObjectNode json() {
    return ReceivedJson.parseObject(body);
  }

  /** The body's bytes as received; empty when there is none. */
  public byte[] rawBody() {
    return body.clone();
  }

  /** The body's bytes without a copy, for a subclass that only reads them. */
  protected byte[] bodyBytes() {
    return body;
  }
}
