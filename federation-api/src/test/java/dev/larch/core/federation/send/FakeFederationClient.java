package dev.larch.core.federation.send;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.json.JsonMapper;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * A {@link FederationClient} that records every transaction and answers 200, unless a failure was scripted for the
 * destination: the next {@code n} requests fail, or all do until {@link #recover}.
 */
public final class FakeFederationClient implements FederationClient {
  /** One request as sent, and whether it was answered with 200. */
  public record Sent(String destination, String method, String path, ObjectNode body, boolean ok) {
    public String txnId() {
      return path.substring(FederationSender.SEND_PATH.length());
    }

    /** Each PDU's {@code content.body}, or its type when it has none. */
    public List<String> bodies() {
      List<String> out = new ArrayList<>();
      body.get("pdus").forEach(p -> out.add(p.path("content").has("body") ? p.get("content").get("body").asText()
          : p.get("type").asText()));
      return out;
    }

    public int pdus() {
      return body.get("pdus").size();
    }

    public List<JsonNode> edus() {
      List<JsonNode> out = new ArrayList<>();
      if (body.has("edus")) {
        body.get("edus").forEach(out::add);
      }
      return out;
    }
  }

  private final List<Sent> sent = new ArrayList<>();
  private final Map<String, Deque<RuntimeException>> failures = new HashMap<>();
  private final Map<String, RuntimeException> down = new HashMap<>();
  private Function<ObjectNode, JsonNode> answer = body -> JsonMapper.shared().createObjectNode().putObject("pdus");

  @Override
  public synchronized JsonNode request(String destination, String method, String pathAndQuery, ObjectNode body) {
    RuntimeException failure = down.get(destination);
    Deque<RuntimeException> scripted = failures.get(destination);
    if (failure == null && scripted != null && !scripted.isEmpty()) {
      failure = scripted.poll();
    }
    sent.add(new Sent(destination, method, pathAndQuery, body.deepCopy(), failure == null));
    if (failure != null) {
      throw failure;
    }
    return answer.apply(body);
  }

  /** The next {@code n} requests to {@code destination} fail with {@code failure}. */
  public synchronized void failNext(String destination, int n, RuntimeException failure) {
    Deque<RuntimeException> queue = failures.computeIfAbsent(destination, d -> new ArrayDeque<>());
    for (int i = 0; i < n; i++) {
      queue.add(failure);
    }
  }

  /** Every request to {@code destination} fails as unreachable until {@link #recover}. */
  public synchronized void takeDown(String destination) {
    down.put(destination, RemoteServerException.unreachable(destination, "connection refused", null));
  }

  public synchronized void recover(String destination) {
    down.remove(destination);
  }

  /** What a 200 answer's body is, given the transaction. */
  public synchronized void answerWith(Function<ObjectNode, JsonNode> answer) {
    this.answer = answer;
  }

  public synchronized List<Sent> sent() {
    return List.copyOf(sent);
  }

  /** The requests to {@code destination}, in order. */
  public synchronized List<Sent> sentTo(String destination) {
    return sent.stream().filter(s -> s.destination().equals(destination)).toList();
  }

  /** The requests to {@code destination} that were answered with 200. */
  public synchronized List<Sent> deliveredTo(String destination) {
    return sentTo(destination).stream().filter(Sent::ok).toList();
  }

  public synchronized void clear() {
    sent.clear();
  }
}
