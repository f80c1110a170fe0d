package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.todevice.ToDeviceMessage;
import dev.larch.core.todevice.ToDeviceStore;
import dev.larch.storage.todevice.JdbcToDeviceStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link ToDeviceStore} contract. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class ToDeviceStoreTest extends DatabaseTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String BOB = "@bob:larch.test";

  ToDeviceStoreTest(TestDatabase kind) {
    super(kind);
  }

  private static ToDeviceMessage toBob(String device, int n) {
    ObjectNode content = JsonMapper.shared().createObjectNode().put("n", n);
    return new ToDeviceMessage(BOB, device, ALICE, "m.test", content, 0);
  }

  @Test
  void send_isIdempotentPerSendingDeviceAndTxn_andInboxesArePerDevice() {
    ToDeviceStore store = new JdbcToDeviceStore(database);
    assertTrue(store.send(ALICE, "A1", "t1", List.of(toBob("B1", 1), toBob("B2", 1))));
    assertFalse(store.send(ALICE, "A1", "t1", List.of(toBob("B1", 1))));
    assertTrue(store.send(ALICE, "A2", "t1", List.of(toBob("B1", 2))));
    long now = store.latestPosition();
    List<ToDeviceMessage> inbox = store.inbox(BOB, "B1", 0, now, 100);
    assertEquals(List.of(1, 2), inbox.stream().map(m -> m.content().get("n").intValue()).toList());
    assertEquals(1, store.inbox(BOB, "B2", 0, now, 100).size());
    assertEquals(ALICE, inbox.get(0).sender());
    assertEquals("m.test", inbox.get(0).type());
  }

  @Test
  void acknowledge_deletesUpToThePosition_andInboxSurvivesReopen() {
    ToDeviceStore store = new JdbcToDeviceStore(database);
    for (int i = 0; i < 5; i++) {
      store.send(ALICE, "A1", "t" + i, List.of(toBob("B1", i)));
    }
    List<ToDeviceMessage> firstTwo = store.inbox(BOB, "B1", 0, store.latestPosition(), 2);
    assertEquals(2, firstTwo.size());
    assertEquals(2, store.acknowledge(BOB, "B1", firstTwo.get(1).streamPosition()));
    reopen();
    ToDeviceStore reopened = new JdbcToDeviceStore(database);
    assertEquals(List.of(2, 3, 4), reopened.inbox(BOB, "B1", 0, reopened.latestPosition(), 100).stream()
        .map(m -> m.content().get("n").intValue()).toList());
    assertTrue(reopened.send(ALICE, "A1", "t9", List.of(toBob("B1", 9))));
    assertTrue(reopened.latestPosition() > firstTwo.get(1).streamPosition() + 3);
  }

  @Test
  void deleteDevices_dropsTheInbox() {
    ToDeviceStore store = new JdbcToDeviceStore(database);
    store.send(ALICE, "A1", "t1", List.of(toBob("B1", 1), toBob("B2", 2)));
    store.deleteDevices(BOB, List.of("B1"));
    assertTrue(store.inbox(BOB, "B1", 0, store.latestPosition(), 100).isEmpty());
    assertEquals(1, store.inbox(BOB, "B2", 0, store.latestPosition(), 100).size());
    store.deleteUser(BOB);
    assertTrue(store.inbox(BOB, "B2", 0, store.latestPosition(), 100).isEmpty());
  }
}
