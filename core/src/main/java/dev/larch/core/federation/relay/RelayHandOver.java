package dev.larch.core.federation.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.federation.keys.P2pServerKey;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sender side of relaying: hands a transaction that cannot reach its P2P destination to the relays this server
 * trusts, with {@code PUT /_matrix/federation/v1/send_relay/{txnId}/@_relay:<destination>} (Dendrite's shape,
 * {@code p2p-federation.md} 5.1). The request is signed as any other, with the relay as destination; the relay keeps
 * that signature, so the addressee can prove who wrote the transaction when it collects it ({@link RelayCollector}).
 *
 * <p>Only {@code /send} transactions go this way: invites, joins and the other request-response exchanges need an
 * answer from the destination itself, which a relay cannot give (Dendrite refuses them too).
 */
public final class RelayHandOver {
  /** No relays: nothing is ever handed over. */
  public static final RelayHandOver NONE = new RelayHandOver("", FederationClient.NONE, List.of());

  private static final Logger log = LoggerFactory.getLogger(RelayHandOver.class);
  private static final String SEND_RELAY_PATH = "/_matrix/federation/v1/send_relay/";
  // Only the user ID's server matters to the relay (Dendrite's shape); this local part names no real user.
  private static final String RELAY_USER_LOCALPART = "@_relay:";

  private final String serverName;
  private final FederationClient client;
  private final List<String> relays;

  /**
   * @param serverName this server: never used as its own relay
   * @param relays the trusted relays (64-hex names), in the order they are tried
   */
  public RelayHandOver(String serverName, FederationClient client, List<String> relays) {
    this.serverName = Objects.requireNonNull(serverName, "serverName");
    this.client = Objects.requireNonNull(client, "client");
    this.relays = List.copyOf(relays);
  }

  /**
   * Whether transactions for {@code destination} may go to a relay: it is a P2P server (a classic server has DNS and
   * no relay collection), and some trusted relay is neither it nor this server.
   */
  public boolean canRelay(String destination) {
    return P2pServerKey.isP2pName(destination) && !relaysFor(destination).isEmpty();
  }

  /**
   * Hands the transaction to every trusted relay (so it is still there if one of them is away when the addressee
   * returns; the addressee drops repeats by transaction ID and event ID). Blocking.
   *
   * @return the relays that took it; empty when none did (each failure is logged), and the caller keeps it
   */
  public List<String> handOver(String destination, String txnId, ObjectNode transaction) {
    String path = SEND_RELAY_PATH + URLEncoder.encode(txnId, StandardCharsets.UTF_8) + "/"
        + URLEncoder.encode(RELAY_USER_LOCALPART + destination, StandardCharsets.UTF_8).replace("+", "%20");
    List<String> took = new ArrayList<>();
    for (String relay : relaysFor(destination)) {
      try {
        client.request(relay, "PUT", path, transaction);
        took.add(relay);
      } catch (RemoteServerException e) {
        log.info("relay did not take the transaction relay={} destination={} txn={}: {}", relay, destination, txnId,
            e.getMessage());
      }
    }
    return took;
  }

  private List<String> relaysFor(String destination) {
    return relays.stream().filter(r -> !r.equals(destination) && !r.equals(serverName)).toList();
  }
}
