package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.filter.FilterStore;
import dev.larch.core.json.JsonMapper;
import dev.larch.storage.filter.JdbcFilterStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link FilterStore} contract. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class FilterStoreTest extends DatabaseTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String BOB = "@bob:larch.test";

  FilterStoreTest(TestDatabase kind) {
    super(kind);
  }

  @Test
  void create_thenGet_returnsTheJsonOnlyToItsUser() {
    FilterStore store = new JdbcFilterStore(database);
    ObjectNode filter = JsonMapper.shared().createObjectNode();
    filter.putObject("room").putObject("timeline").put("limit", 5);
    String id = store.create(ALICE, filter);
    String second = store.create(ALICE, JsonMapper.shared().createObjectNode());
    assertNotEquals(id, second);
    assertTrue(id.chars().allMatch(Character::isDigit));

    assertEquals(filter, store.get(ALICE, id).orElseThrow());
    assertTrue(store.get(BOB, id).isEmpty());
    assertTrue(store.get(ALICE, "999999").isEmpty());
    assertTrue(store.get(ALICE, "not-a-number").isEmpty());

    reopen();
    assertEquals(filter, new JdbcFilterStore(database).get(ALICE, id).orElseThrow());
  }
}
