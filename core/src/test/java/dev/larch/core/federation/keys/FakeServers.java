package dev.larch.core.federation.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * A {@link FederationClient} whose remote servers are functions from request to answer, recording every request;
 * a server with no function is unreachable.
 */
final class FakeServers implements FederationClient {
  /** One request as sent. */
  record Request(String destination, String method, String path, ObjectNode body) {}

  private final Map<String, Function<Request, JsonNode>> servers = new ConcurrentHashMap<>();
  private final List<Request> requests = new ArrayList<>();

  void serve(String server, Function<Request, JsonNode> handler) {
    servers.put(server, handler);
  }

  void down(String server) {
    servers.remove(server);
  }

  synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  synchronized List<Request> requestsTo(String server) {
    return requests.stream().filter(r -> r.destination().equals(server)).toList();
  }

  @Override
  public JsonNode request(String destination, String method, String pathAndQuery, ObjectNode body) {
    Request request = new Request(destination, method, pathAndQuery, body == null ? null : body.deepCopy());
    synchronized (this) {
      requests.add(request);
    }
    Function<Request, JsonNode> handler = servers.get(destination);
    if (handler == null) {
      throw RemoteServerException.unreachable(destination, "connection refused", null);
    }
    return handler.apply(request);
  }
}
