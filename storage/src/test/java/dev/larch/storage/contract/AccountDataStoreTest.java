package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.user.AccountDataChange;
import dev.larch.core.user.AccountDataStore;
import dev.larch.storage.user.JdbcAccountDataStore;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link AccountDataStore} contract. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class AccountDataStoreTest extends DatabaseTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String ROOM = "!room:larch.test";

  AccountDataStoreTest(TestDatabase kind) {
    super(kind);
  }

  private static ObjectNode json(String key, String value) {
    return JsonMapper.shared().createObjectNode().put(key, value);
  }

  @Test
  void put_thenGet_globalAndPerRoomAreSeparate() {
    AccountDataStore store = new JdbcAccountDataStore(database);
    store.put(ALICE, null, "m.push_rules", json("global", "yes"));
    store.put(ALICE, ROOM, "m.push_rules", json("room", "yes"));
    assertEquals(json("global", "yes"), store.get(ALICE, null, "m.push_rules").orElseThrow());
    assertEquals(json("room", "yes"), store.get(ALICE, ROOM, "m.push_rules").orElseThrow());
    assertTrue(store.get(ALICE, null, "m.other").isEmpty());
    assertTrue(store.get("@bob:larch.test", null, "m.push_rules").isEmpty());
  }

  @Test
  void changes_sinceToken_returnLatestContentOnce() {
    AccountDataStore store = new JdbcAccountDataStore(database);
    long p1 = store.put(ALICE, null, "m.direct", json("v", "1"));
    long p2 = store.put(ALICE, ROOM, "m.tag", json("v", "tag"));
    long p3 = store.put(ALICE, null, "m.direct", json("v", "2"));
    store.put("@bob:larch.test", null, "m.direct", json("v", "bob"));
    assertTrue(p1 < p2 && p2 < p3);

    List<AccountDataChange> all = store.changes(ALICE, 0, store.latestPosition());
    assertEquals(List.of(new AccountDataChange(ROOM, "m.tag", json("v", "tag"), p2),
        new AccountDataChange(null, "m.direct", json("v", "2"), p3)), all);
    assertEquals(List.of("m.direct"), store.changes(ALICE, p2, Long.MAX_VALUE).stream()
        .map(AccountDataChange::type).toList());
    assertTrue(store.changes(ALICE, p3, Long.MAX_VALUE).isEmpty());

    reopen();
    AccountDataStore reopened = new JdbcAccountDataStore(database);
    assertEquals(store.latestPosition(), reopened.latestPosition());
  }
}
