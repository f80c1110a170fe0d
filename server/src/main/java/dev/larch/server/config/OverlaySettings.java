package dev.larch.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.larch.core.federation.keys.P2pServerKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The Pinecone overlay: YAML section {@code overlay}.
 *
 * <p>Values stay text until validated, like every other key, so a bad value is reported with its key rather than
 * as a binding error; the typed accessors are for a validated config only.
 *
 * @param enabled {@code true}, {@code false}, or {@code null} for "on in P2P mode, off in classic mode" (key
 *     {@code overlay.enabled})
 * @param listen {@code HOST:PORT} of the inbound TCP peering listener; port 0 picks a free port (key
 *     {@code overlay.listen})
 * @param staticPeers peers to keep connected: {@code host:port}, {@code ws://…} or {@code wss://…} (key
 *     {@code overlay.static_peers}, flag {@code --static-peer}, repeatable)
 * @param multicast {@code true} or {@code false}: LAN discovery by multicast (key {@code overlay.multicast})
 * @param relay {@code true} or {@code false}: hold transactions for P2P servers that are away, as a store-and-forward
 *     relay (key {@code overlay.relay}, flag {@code --relay})
 * @param relays the P2P servers (64-hex names) this node trusts as relays: it collects what they hold for it, and
 *     hands them what it cannot deliver (key {@code overlay.relays}, flag {@code --relay-server}, repeatable)
 */
public record OverlaySettings(
    @JsonProperty("enabled") String enabled,
    @JsonProperty("listen") String listen,
    @JsonProperty("static_peers") List<String> staticPeers,
    @JsonProperty("multicast") String multicast,
    @JsonProperty("relay") String relay,
    @JsonProperty("relays") List<String> relays) {
  /** Pinecone's (and Dendrite's) customary port, so peers on a LAN can guess it. */
  public static final int DEFAULT_PORT = 5977;

  /** Null-safe: YAML's {@code static_peers:} with nothing after it means no static peers. */
  public OverlaySettings {
    staticPeers = staticPeers == null ? List.of() : List.copyOf(staticPeers);
    relays = relays == null ? List.of() : List.copyOf(relays);
    relay = relay == null ? "false" : relay;
  }

  /** Settings without relaying. */
  public OverlaySettings(String enabled, String listen, List<String> staticPeers, String multicast) {
    this(enabled, listen, staticPeers, multicast, "false", List.of());
  }

  /**
   * The defaults: on in P2P mode, listening on every interface (multicast beacons advertise only a port, so a
   * loopback-only listener would be discovered by neighbours who then cannot connect), discovery on.
   */
  public static OverlaySettings defaults() {
    return new OverlaySettings(null, "0.0.0.0:" + DEFAULT_PORT, List.of(), "true", "false", List.of());
  }

  /** Whether this node serves as a relay; validated config only. */
  public boolean relayOn() {
    return Boolean.parseBoolean(relay.strip());
  }

  /** Whether the overlay runs; {@code p2pMode} decides when {@code enabled} is unset. Validated config only. */
  public boolean runs(boolean p2pMode) {
    return enabled == null ? p2pMode : Boolean.parseBoolean(enabled.strip());
  }

  /** The TCP listen address; validated config only. */
  public HostPort listenAddress() {
    return HostPort.parse(listen);
  }

  /** Whether multicast discovery is on; validated config only. */
  public boolean multicastOn() {
    return Boolean.parseBoolean(multicast.strip());
  }

  List<ConfigProblem> validate() {
    List<ConfigProblem> problems = new ArrayList<>();
    if (enabled != null) {
      booleanProblem(enabled, "leave it empty for: on in P2P mode, off in classic mode")
          .ifPresent(m -> problems.add(new ConfigProblem("overlay.enabled", m)));
    }
    try {
      HostPort.parse(listen, "0.0.0.0:" + DEFAULT_PORT);
    } catch (IllegalArgumentException e) {
      problems.add(new ConfigProblem("overlay.listen", e.getMessage()));
    }
    for (String peer : staticPeers) {
      PeerUriRule.check(peer).ifPresent(m -> problems.add(new ConfigProblem("overlay.static_peers", m)));
    }
    booleanProblem(multicast, "true turns LAN discovery on")
        .ifPresent(m -> problems.add(new ConfigProblem("overlay.multicast", m)));
    booleanProblem(relay, "true holds transactions for P2P servers that are away")
        .ifPresent(m -> problems.add(new ConfigProblem("overlay.relay", m)));
    for (String name : relays) {
      if (!P2pServerKey.isP2pName(name == null ? "" : name.strip())) {
        problems.add(new ConfigProblem("overlay.relays", "\"" + name
            + "\" is not a P2P server name: expected the 64 lowercase hex digits of the relay's key"));
      }
    }
    return problems;
  }

  private static Optional<String> booleanProblem(String value, String hint) {
    String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
    if (v.equals("true") || v.equals("false")) {
      return Optional.empty();
    }
    return Optional.of("must be true or false, but is \"" + (value == null ? "" : value) + "\" (" + hint + ")");
  }
}
