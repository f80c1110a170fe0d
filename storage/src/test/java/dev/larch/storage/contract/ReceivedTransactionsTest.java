package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.federation.inbound.ReceivedTransactions;
import dev.larch.core.json.JsonMapper;
import dev.larch.storage.federation.inbound.JdbcReceivedTransactions;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link ReceivedTransactions} contract on the JDBC store. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class ReceivedTransactionsTest extends DatabaseTest {
  ReceivedTransactionsTest(TestDatabase kind) {
    super(kind);
  }

  private static ObjectNode answer(String eventId, String error) {
    ObjectNode answer = JsonMapper.shared().createObjectNode();
    ObjectNode result = answer.putObject("pdus").putObject(eventId);
    if (error != null) {
      result.put("error", error);
    }
    return answer;
  }

  @Test
  void record_thenResponse_perOriginAndTxnId_firstAnswerKept_survivesRestart() {
    ReceivedTransactions store = new JdbcReceivedTransactions(database, Clock.systemUTC());
    ObjectNode first = answer("$a", null);
    store.record("remote.test", "t1", first);
    store.record("remote.test", "t1", answer("$b", "later"));

    assertEquals(first, store.response("remote.test", "t1").orElseThrow());
    assertTrue(store.response("other.test", "t1").isEmpty());
    assertTrue(store.response("remote.test", "t2").isEmpty());

    reopen();
    assertEquals(first, new JdbcReceivedTransactions(database, Clock.systemUTC())
        .response("remote.test", "t1").orElseThrow());
  }

  @Test
  void answersOlderThanADay_areForgottenWhenNewOnesArrive() {
    Instant start = Instant.parse("2026-01-01T00:00:00Z");
    new JdbcReceivedTransactions(database, Clock.fixed(start, ZoneOffset.UTC)).record("remote.test", "old",
        answer("$a", null));
    ReceivedTransactions later = new JdbcReceivedTransactions(database,
        Clock.fixed(start.plus(JdbcReceivedTransactions.KEEP).plusSeconds(1), ZoneOffset.UTC));
    assertTrue(later.response("remote.test", "old").isPresent(), "kept until something new arrives");

    later.record("remote.test", "new", answer("$b", null));

    assertTrue(later.response("remote.test", "old").isEmpty());
    assertTrue(later.response("remote.test", "new").isPresent());
  }
}
