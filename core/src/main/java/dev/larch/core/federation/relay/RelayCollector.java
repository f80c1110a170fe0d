package dev.larch.core.federation.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import dev.larch.core.federation.auth.RequestSignature;
import dev.larch.core.federation.auth.XMatrix;
import dev.larch.core.federation.keys.ServerKeys;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The addressee side of relaying: drains what a relay holds for this server and hands each transaction on. Blocking;
 * run it on a worker when the server starts and whenever a relay is seen on the overlay.
 *
 * <p>Each transaction's sender is proven by the {@code send_relay} request signature the relay kept
 * ({@code larch_signed}): it signs the body, with the relay as destination. A transaction without a valid one (a
 * Dendrite relay keeps none) is still taken for its PDUs, which carry their own signatures and are checked as any
 * received PDU is, but its EDUs are dropped: nothing proves who wrote them.
 */
public final class RelayCollector {
  /** At most this many transactions per drain, so one relay cannot keep a worker forever. */
  static final int MAX_PER_DRAIN = 10_000;

  private static final Logger log = LoggerFactory.getLogger(RelayCollector.class);

  private final String serverName;
  private final FederationClient client;
  private final ServerKeys keys;
  private final RelayedTransactionSink sink;

  public RelayCollector(String serverName, FederationClient client, ServerKeys keys, RelayedTransactionSink sink) {
    this.serverName = serverName;
    this.client = client;
    this.keys = keys;
    this.sink = sink;
  }

  /**
   * Collects everything {@code relay} holds for this server; returns how many transactions were handed on. Stops at
   * the first failure (the relay is asked again next time; the last entry is acknowledged only after it was handed
   * on, so nothing is lost, at worst repeated, and transactions are idempotent).
   */
  public int drain(String relay) {
    String path = "/_matrix/federation/v1/relay_txn/"
        + URLEncoder.encode("@_relay:" + serverName, StandardCharsets.UTF_8).replace("+", "%20");
    long acknowledge = 0;
    int handed = 0;
    try {
      while (handed < MAX_PER_DRAIN) {
        ObjectNode body = JsonNodeFactory.instance.objectNode();
        body.put("entry_id", acknowledge);
        JsonNode response = client.request(relay, "GET", path, body);
        if (!response.path("entries_queued").asBoolean(false)) {
          break;
        }
        JsonNode entry = response.get("entry_id");
        JsonNode transaction = response.get("transaction");
        if (entry == null || !entry.canConvertToLong() || entry.longValue() <= 0 || transaction == null
            || !transaction.isObject()) {
          log.warn("relay answered a malformed entry relay={}", relay);
          break;
        }
        hand(relay, (ObjectNode) transaction, response.get("larch_signed"));
        handed++;
        acknowledge = entry.longValue();
      }
    } catch (RemoteServerException e) {
      log.info("relay collection stopped relay={} collected={} reason={}", relay, handed, e.getMessage());
    }
    if (handed > 0) {
      log.info("collected relayed transactions relay={} count={}", relay, handed);
    }
    return handed;
  }

  private void hand(String relay, ObjectNode transaction, JsonNode signed) {
    Optional<String> provenOrigin = provenOrigin(relay, transaction, signed);
    String txnId = signed != null && signed.path("txn_id").isTextual()
        ? signed.get("txn_id").textValue() : "relayed-" + relay;
    if (provenOrigin.isPresent()) {
      sink.receive(provenOrigin.get(), "relay:" + txnId, transaction);
      return;
    }
    JsonNode claimed = transaction.get("origin");
    if (claimed == null || !claimed.isTextual() || claimed.textValue().isEmpty()) {
      log.warn("relayed transaction without origin dropped relay={}", relay);
      return;
    }
    ObjectNode pdusOnly = transaction.deepCopy();
    pdusOnly.remove("edus");
    sink.receive(claimed.textValue(), "relay:" + txnId, pdusOnly);
  }

  // The sender's signature over PUT send_relay with this transaction as content, the relay as destination.
  private Optional<String> provenOrigin(String relay, ObjectNode transaction, JsonNode signed) {
    if (signed == null || !signed.path("uri").isTextual() || !signed.path("authorization").isTextual()) {
      return Optional.empty();
    }
    Optional<XMatrix> header = XMatrix.parse(signed.get("authorization").textValue());
    if (header.isEmpty() || !relay.equals(header.get().destination())) {
      return Optional.empty();
    }
    Optional<VerifyKey> key = keys.verifyKey(header.get().origin(), header.get().keyId(), ServerKeys.ANY_TIME);
    if (key.isPresent() && RequestSignature.verify("PUT", signed.get("uri").textValue(), transaction, header.get(),
        key.get())) {
      return Optional.of(header.get().origin());
    }
    log.warn("relayed transaction with a bad sender signature relay={} claimed={}", relay, header.get().origin());
    return Optional.empty();
  }
}
