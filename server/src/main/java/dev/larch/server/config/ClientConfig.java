package dev.larch.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/**
 * The client API listener: YAML section {@code client}.
 *
 * @param listen {@code HOST:PORT} the client API listens on (key {@code client.listen})
 */
public record ClientConfig(@JsonProperty("listen") String listen) {

  /** The defaults: loopback only, on the port Matrix clients try first. */
  public static ClientConfig defaults() {
    return new ClientConfig("127.0.0.1:8008");
  }

  /** The parsed listen address; call only on a validated config. */
  public HostPort listenAddress() {
    return HostPort.parse(listen);
  }

  List<ConfigProblem> validate() {
    try {
      HostPort.parse(listen);
      return List.of();
    } catch (IllegalArgumentException e) {
      return List.of(new ConfigProblem("client.listen", e.getMessage()));
    }
  }
}
