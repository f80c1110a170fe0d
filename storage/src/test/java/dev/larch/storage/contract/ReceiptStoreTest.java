package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.core.receipt.Receipt;
import dev.larch.core.receipt.ReceiptStore;
import dev.larch.storage.receipt.JdbcReceiptStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link ReceiptStore} contract. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class ReceiptStoreTest extends DatabaseTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String BOB = "@bob:larch.test";
  private static final String ROOM = "!room:larch.test";
  private static final String OTHER_ROOM = "!other:larch.test";

  ReceiptStoreTest(TestDatabase kind) {
    super(kind);
  }

  private static Receipt read(String room, String user, String thread, String eventId, long ts) {
    return new Receipt(room, Receipt.READ, user, thread, eventId, ts, 0);
  }

  @Test
  void put_replacesPerUserTypeAndThread_andReturnsRisingPositions() {
    ReceiptStore store = new JdbcReceiptStore(database);
    long p1 = store.put(read(ROOM, ALICE, null, "$1", 10));
    long p2 = store.put(read(ROOM, ALICE, "main", "$2", 20));
    long p3 = store.put(read(ROOM, ALICE, null, "$3", 30));
    long p4 = store.put(new Receipt(ROOM, Receipt.READ_PRIVATE, ALICE, null, "$3", 40, 0));
    store.put(read(OTHER_ROOM, BOB, null, "$9", 50));
    assertTrue(p1 < p2 && p2 < p3 && p3 < p4);

    List<Receipt> all = store.receipts(ROOM, 0, store.latestPosition());
    assertEquals(List.of(
        new Receipt(ROOM, Receipt.READ, ALICE, "main", "$2", 20, p2),
        new Receipt(ROOM, Receipt.READ, ALICE, null, "$3", 30, p3),
        new Receipt(ROOM, Receipt.READ_PRIVATE, ALICE, null, "$3", 40, p4)), all);
    assertEquals(List.of(p4), store.receipts(ROOM, p3, Long.MAX_VALUE).stream()
        .map(Receipt::streamPosition).toList());
    assertTrue(store.receipts(ROOM, p4, Long.MAX_VALUE).isEmpty());
  }

  @Test
  void latestPosition_survivesReopen() {
    ReceiptStore store = new JdbcReceiptStore(database);
    assertEquals(0, store.latestPosition());
    store.put(read(ROOM, ALICE, null, "$1", 10));
    long latest = store.put(read(ROOM, BOB, null, "$1", 10));
    reopen();
    ReceiptStore reopened = new JdbcReceiptStore(database);
    assertEquals(latest, reopened.latestPosition());
    assertTrue(reopened.put(read(ROOM, ALICE, null, "$2", 11)) > latest);
    assertEquals(2, reopened.receipts(ROOM, 0, Long.MAX_VALUE).size());
  }
}
