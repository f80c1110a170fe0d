package dev.larch.core.federation.relay;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.error.ErrorCode;
import dev.larch.core.error.MatrixException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RelayServiceTest {
  /** An in-memory store with the contract's semantics. */
  static final class MemoryRelayStore implements RelayStore {
    final List<RelayedTransaction> held = new ArrayList<>();
    long next = 1;

    @Override
    public long add(RelayedTransaction t) {
      for (RelayedTransaction h : held) {
        if (h.destination().equals(t.destination()) && h.origin().equals(t.origin()) && h.txnId().equals(t.txnId())) {
          return h.entryId();
        }
      }
      RelayedTransaction stored = new RelayedTransaction(next++, t.destination(), t.origin(), t.txnId(), t.body(),
          t.uri(), t.authorization());
      held.add(stored);
      return stored.entryId();
    }

    @Override
    public Optional<RelayedTransaction> oldest(String destination) {
      return held.stream().filter(t -> t.destination().equals(destination)).findFirst();
    }

    @Override
    public boolean delete(String destination, long entryId) {
      return held.removeIf(t -> t.destination().equals(destination) && t.entryId() == entryId);
    }

    @Override
    public Usage usage(String destination) {
      List<RelayedTransaction> mine = held.stream().filter(t -> t.destination().equals(destination)).toList();
      return new Usage(mine.size(), mine.stream().mapToLong(t -> t.body().length).sum());
    }
  }

  private final MemoryRelayStore store = new MemoryRelayStore();
  private final RelayService relay = new RelayService(store, new RelaySettings(true, List.of(), 2, 1000));

  private static byte[] txn(int pdus) {
    StringBuilder body = new StringBuilder("{\"origin\":\"a\",\"origin_server_ts\":1,\"pdus\":[");
    for (int i = 0; i < pdus; i++) {
      body.append(i == 0 ? "" : ",").append("{}");
    }
    return body.append("]}").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static ObjectNode entry(long id) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    body.put("entry_id", id);
    return body;
  }

  @Test
  void theAddresseeCollectsItsTransactionsInOrderWithTheSendersSignature() {
    relay.accept("a", "t1", "@bob:c", txn(1), "/uri1", "X-Matrix sig1");
    relay.accept("b", "t2", "@bob:c", txn(2), "/uri2", "X-Matrix sig2");

    ObjectNode first = relay.collect("c", "@bob:c", entry(0));
    assertTrue(first.get("entries_queued").booleanValue());
    assertEquals(1, first.get("transaction").get("pdus").size());
    assertEquals("a", first.get("larch_signed").get("origin").textValue());
    assertEquals("X-Matrix sig1", first.get("larch_signed").get("authorization").textValue());

    ObjectNode second = relay.collect("c", "@anyone:c", entry(first.get("entry_id").longValue()));
    assertEquals(2, second.get("transaction").get("pdus").size());
    assertEquals("/uri2", second.get("larch_signed").get("uri").textValue());

    ObjectNode done = relay.collect("c", "@bob:c", entry(second.get("entry_id").longValue()));
    assertFalse(done.get("entries_queued").booleanValue());
    assertFalse(done.has("entry_id"));
    assertTrue(store.held.isEmpty());
  }

  @Test
  void onlyTheAddresseeMayCollect() {
    relay.accept("a", "t1", "@bob:c", txn(1), "/uri", "X-Matrix sig");
    MatrixException e = assertThrows(MatrixException.class, () -> relay.collect("mallory", "@bob:c", entry(0)));
    assertEquals(ErrorCode.FORBIDDEN, e.errorCode());
    assertEquals(1, store.held.size());
  }

  @Test
  void badInputAndQuotasAreRefused() {
    assertEquals(ErrorCode.BAD_JSON, assertThrows(MatrixException.class,
        () -> relay.accept("a", "t", "@bob:c", txn(51), "/u", "h")).errorCode());
    assertEquals(ErrorCode.NOT_JSON, assertThrows(MatrixException.class,
        () -> relay.accept("a", "t", "@bob:c", "nope".getBytes(StandardCharsets.UTF_8), "/u", "h")).errorCode());
    assertEquals(ErrorCode.INVALID_PARAM, assertThrows(MatrixException.class,
        () -> relay.accept("a", "t", "bob", txn(1), "/u", "h")).errorCode());
    assertEquals(ErrorCode.BAD_JSON, assertThrows(MatrixException.class,
        () -> relay.collect("c", "@bob:c", entry(-1))).errorCode());
    relay.accept("a", "t1", "@bob:c", txn(1), "/u", "h");
    relay.accept("a", "t2", "@bob:c", txn(1), "/u", "h");
    assertEquals(ErrorCode.LIMIT_EXCEEDED, assertThrows(MatrixException.class,
        () -> relay.accept("a", "t3", "@bob:c", txn(1), "/u", "h")).errorCode());
  }

  @Test
  void aServerThatIsNoRelayAnswersUnrecognized() {
    RelayService off = new RelayService(store, RelaySettings.off());
    assertEquals(ErrorCode.UNRECOGNIZED, assertThrows(MatrixException.class,
        () -> off.accept("a", "t", "@bob:c", txn(1), "/u", "h")).errorCode());
  }
}
