package dev.larch.core.federation.relay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import dev.larch.core.id.UserId;
import dev.larch.core.json.ReceivedJson;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The relay side: holds transactions for servers that are away and hands each to its addressee only.
 *
 * <p>Dendrite's endpoints ({@code p2p-federation.md} 5.1), with two differences that make collection safe: the
 * requester of {@code relay_txn/{userId}} must be the user ID's server (Dendrite serves anyone), and the answer carries
 * the sender's signature ({@code larch_signed}) so the addressee can check the EDUs, which have no signatures of their
 * own. Dendrite's collectors ignore the extra field.
 */
public final class RelayService {
  /** At most this many PDUs and EDUs in a relayed transaction, as in {@code /send}. */
  static final int MAX_PDUS = 50;
  static final int MAX_EDUS = 100;

  private static final Logger log = LoggerFactory.getLogger(RelayService.class);

  private final RelayStore store;
  private final RelaySettings settings;

  public RelayService(RelayStore store, RelaySettings settings) {
    this.store = store;
    this.settings = settings;
  }

  /**
   * {@code PUT /send_relay/{txnId}/{userId}}: stores {@code body} for the user ID's server.
   *
   * @throws MatrixException {@code M_UNRECOGNIZED} (404) when this server is not a relay, {@code M_INVALID_PARAM} for
   *     a bad user ID, {@code M_BAD_JSON} for a body that is not a transaction, {@code M_LIMIT_EXCEEDED} when the
   *     destination's quota is used up
   */
  public void accept(String origin, String txnId, String userId, byte[] body, String uri, String authorization) {
    requireServing();
    String destination = destinationOf(userId);
    ObjectNode transaction = ReceivedJson.parseObject(body);
    checkSize(transaction, "pdus", MAX_PDUS);
    checkSize(transaction, "edus", MAX_EDUS);
    RelayStore.Usage usage = store.usage(destination);
    if (usage.transactions() >= settings.maxTransactionsPerDestination()
        || usage.bytes() + body.length > settings.maxBytesPerDestination()) {
      throw new MatrixException(ErrorCode.LIMIT_EXCEEDED, "This relay holds as much as it will for " + destination);
    }
    long entry = store.add(new RelayedTransaction(0, destination, origin, txnId, body, uri, authorization));
    log.info("relay holds a transaction destination={} origin={} txn={} entry={} bytes={}", destination, origin,
        txnId, entry, body.length);
  }

  /**
   * {@code GET /relay_txn/{userId}} with {@code {"entry_id": N}}: deletes entry N (the one the requester got last
   * time), then answers the oldest transaction left.
   *
   * @throws MatrixException {@code M_FORBIDDEN} when the requester is not the user ID's server
   */
  public ObjectNode collect(String origin, String userId, JsonNode request) {
    requireServing();
    String destination = destinationOf(userId);
    if (!destination.equals(origin)) {
      throw MatrixException.forbidden("Only " + destination + " may collect its relayed transactions");
    }
    JsonNode entry = request == null ? null : request.get("entry_id");
    if (entry == null || !entry.canConvertToLong() || !entry.isIntegralNumber() || entry.longValue() < 0) {
      throw MatrixException.badJson("entry_id must be a non-negative integer");
    }
    if (entry.longValue() > 0 && store.delete(destination, entry.longValue())) {
      log.info("relayed transaction collected by its addressee destination={} entry={}", destination,
          entry.longValue());
    }
    ObjectNode response = JsonNodeFactory.instance.objectNode();
    Optional<RelayedTransaction> next = store.oldest(destination);
    if (next.isEmpty()) {
      ObjectNode empty = response.putObject("transaction");
      empty.put("origin", "");
      empty.put("origin_server_ts", 0);
      empty.putArray("pdus");
      response.put("entries_queued", false);
      return response;
    }
    RelayedTransaction transaction = next.get();
    response.set("transaction", ReceivedJson.parseObject(transaction.body()));
    response.put("entry_id", transaction.entryId());
    response.put("entries_queued", true);
    ObjectNode signed = response.putObject("larch_signed");
    signed.put("origin", transaction.origin());
    signed.put("txn_id", transaction.txnId());
    signed.put("uri", transaction.uri());
    signed.put("authorization", transaction.authorization());
    return response;
  }

  private void requireServing() {
    if (!settings.serve()) {
      throw MatrixException.unrecognized("This server is not a relay");
    }
  }

  private static String destinationOf(String userId) {
    return UserId.tryParse(userId).map(id -> id.serverName().value())
        .orElseThrow(() -> MatrixException.invalidParam("Not a user ID: " + userId));
  }

  private static void checkSize(ObjectNode transaction, String field, int max) {
    JsonNode list = transaction.get(field);
    if (list == null && "edus".equals(field)) {
      return;
    }
    if (list == null || !list.isArray()) {
      throw MatrixException.badJson(field + " must be an array");
    }
    if (list.size() > max) {
      throw MatrixException.badJson("At most " + max + " " + field + " per transaction");
    }
  }
}
