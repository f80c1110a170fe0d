package dev.larch.core.federation.relay;

import java.util.List;

/**
 * Relay settings of one server.
 *
 * @param serve whether this server holds transactions for others (off by default: it costs the relay disk space)
 * @param relays the relays this server trusts: it collects its own transactions from them when it starts and when it
 *     sees one of them on the overlay, and hands them transactions for servers it cannot reach
 * @param maxTransactionsPerDestination how many transactions a relay holds for one destination, at most
 * @param maxBytesPerDestination how many body bytes a relay holds for one destination, at most
 */
public record RelaySettings(boolean serve, List<String> relays, int maxTransactionsPerDestination,
    long maxBytesPerDestination) {
  public RelaySettings {
    relays = List.copyOf(relays);
  }

  /** Off, no relays; 10,000 transactions or 256 MB per destination when serving. */
  public static RelaySettings off() {
    return new RelaySettings(false, List.of(), 10_000, 256L << 20);
  }
}
