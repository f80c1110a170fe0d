package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.federation.relay.RelayStore;
import dev.larch.core.federation.relay.RelayedTransaction;
import dev.larch.storage.federation.relay.JdbcRelayStore;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link RelayStore} contract. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class RelayStoreTest extends DatabaseTest {
  RelayStoreTest(TestDatabase kind) {
    super(kind);
  }

  private static RelayedTransaction txn(String destination, String origin, String txnId, String body) {
    return new RelayedTransaction(0, destination, origin, txnId, body.getBytes(StandardCharsets.UTF_8),
        "/_matrix/federation/v1/send_relay/" + txnId + "/%40u%3A" + destination, "X-Matrix origin=" + origin);
  }

  @Test
  void transactionsComeOutOldestFirstPerDestination_andSurviveReopen() {
    RelayStore store = new JdbcRelayStore(database);
    long first = store.add(txn("c", "a", "1", "{\"pdus\":[1]}"));
    long other = store.add(txn("d", "a", "1", "{}"));
    long second = store.add(txn("c", "b", "1", "{\"pdus\":[2]}"));
    assertTrue(first < second);
    assertEquals(first, store.add(txn("c", "a", "1", "{\"pdus\":[1]}")), "a retried send is stored once");
    assertEquals(new RelayStore.Usage(2, 24), store.usage("c"));

    reopen();
    RelayStore reopened = new JdbcRelayStore(database);
    RelayedTransaction oldest = reopened.oldest("c").orElseThrow();
    assertEquals(first, oldest.entryId());
    assertEquals("a", oldest.origin());
    assertArrayEquals("{\"pdus\":[1]}".getBytes(StandardCharsets.UTF_8), oldest.body());
    assertEquals("X-Matrix origin=a", oldest.authorization());

    assertFalse(reopened.delete("d", first), "an entry is deleted only for its own destination");
    assertTrue(reopened.delete("c", first));
    assertEquals(second, reopened.oldest("c").orElseThrow().entryId());
    assertTrue(reopened.delete("c", second));
    assertTrue(reopened.oldest("c").isEmpty());
    assertEquals(other, reopened.oldest("d").orElseThrow().entryId());
    assertEquals(new RelayStore.Usage(0, 0), reopened.usage("c"));
  }
}
