package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.event.Pdu;
import dev.larch.core.event.Redactor;
import dev.larch.core.room.PersistRequest;
import dev.larch.core.room.RoomStore;
import dev.larch.core.room.StateBefore;
import dev.larch.core.room.StoredEvent;
import dev.larch.core.room.TxnKey;
import dev.larch.storage.room.CachingRoomStore;
import dev.larch.storage.room.JdbcRoomStore;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The V003 additions to the {@link RoomStore} contract: transaction IDs by event, and redaction in place. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class RoomStoreRedactionTest extends DatabaseTest {
  private static final String ALICE = "@alice:larch.test";

  RoomStoreRedactionTest(TestDatabase kind) {
    super(kind);
  }

  @Test
  void transactionIds_onlyForTheSendingDevice() {
    RoomStore store = new JdbcRoomStore(database);
    TestRoom room = new TestRoom("txn");
    Pdu create = room.create(ALICE);
    store.persist(PersistRequest.accepted(create, StateBefore.none()));
    Pdu message = room.message(ALICE, "hi", List.of(create.eventId()), 2);
    store.persist(PersistRequest.accepted(message, StateBefore.afterEvent(create.eventId()))
        .withTxn(new TxnKey(ALICE, "DEV", "t-1")));

    assertEquals(Map.of(message.eventId(), "t-1"),
        store.transactionIds(List.of(create.eventId(), message.eventId()), ALICE, "DEV"));
    assertTrue(store.transactionIds(List.of(message.eventId()), ALICE, "OTHER").isEmpty());
    assertTrue(store.transactionIds(List.of(), ALICE, "DEV").isEmpty());
  }

  @Test
  void replaceWithRedacted_rewritesJsonKeepsOrderingAndInvalidatesCache() {
    RoomStore store = new CachingRoomStore(new JdbcRoomStore(database), 100);
    TestRoom room = new TestRoom("redact");
    Pdu create = room.create(ALICE);
    store.persist(PersistRequest.accepted(create, StateBefore.none()));
    Pdu message = room.message(ALICE, "secret", List.of(create.eventId()), 2);
    store.persist(PersistRequest.accepted(message, StateBefore.afterEvent(create.eventId())));
    StoredEvent before = store.event(message.eventId()).orElseThrow(); // now cached

    ObjectNode redacted = Redactor.redact(message.json(), message.roomVersion());
    redacted.putObject("unsigned").putObject("redacted_because").put("event_id", "$r");
    assertTrue(store.replaceWithRedacted(message.eventId(), redacted));

    StoredEvent after = store.event(message.eventId()).orElseThrow();
    assertEquals(0, after.pdu().content().size());
    assertEquals("$r", after.pdu().json().get("unsigned").get("redacted_because").get("event_id").asText());
    assertEquals(before.streamPosition(), after.streamPosition());
    assertEquals(before.depth(), after.depth());
    assertFalse(store.replaceWithRedacted("$unknown", redacted));
    reopen();
    assertEquals(0, new JdbcRoomStore(database).event(message.eventId()).orElseThrow().pdu().content().size());
  }
}
