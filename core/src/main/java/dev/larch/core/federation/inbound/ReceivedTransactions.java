package dev.larch.core.federation.inbound;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Port: the answers this server gave to transactions it received, by (origin, transaction ID), so that a repeated
 * {@code PUT /send/{txnId}} gets the same answer without its PDUs and EDUs being processed again.
 *
 * <p>Spec: server-server API, "Transactions" (a sender retries a transaction until it gets a 200, under the same
 * ID). Only a transaction that was processed to the end is recorded; one that failed on our side is not, so its
 * retry is processed afresh (events already stored are idempotent anyway). Implementations may forget answers after
 * a day: senders retry within minutes.
 */
public interface ReceivedTransactions {
  /** The answer given to this transaction, if it was received before. */
  Optional<ObjectNode> response(String origin, String txnId);

  /** Records the answer to a transaction; recording the same transaction again keeps the first answer. */
  void record(String origin, String txnId, ObjectNode response);

  /** An unbounded map in memory, for tests and tools. */
  static ReceivedTransactions inMemory() {
    Map<String, ObjectNode> answers = new ConcurrentHashMap<>();
    return new ReceivedTransactions() {
      @Override
      public Optional<ObjectNode> response(String origin, String txnId) {
        return Optional.ofNullable(answers.get(origin + '\n' + txnId)).map(ObjectNode::deepCopy);
      }

      @Override
      public void record(String origin, String txnId, ObjectNode response) {
        answers.putIfAbsent(origin + '\n' + txnId, response.deepCopy());
      }
    };
  }
}
