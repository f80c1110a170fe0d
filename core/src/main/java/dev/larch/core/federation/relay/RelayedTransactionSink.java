package dev.larch.core.federation.relay;

import com.fasterxml.jackson.databind.node.ObjectNode;

/** Port: where collected transactions go: the same processing as a {@code /send} from {@code origin}. */
@FunctionalInterface
public interface RelayedTransactionSink {
  /**
   * @param origin the server that sent the transaction (proven by its request signature, or by its PDUs' own
   *     signatures when the relay could not show one; the collector then drops the EDUs)
   * @param transaction {@code {origin, origin_server_ts, pdus, edus?}} as the sender wrote it
   */
  void receive(String origin, String txnId, ObjectNode transaction);
}
