package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.backup.BackupCounts;
import dev.larch.core.backup.KeyBackupStore;
import dev.larch.core.backup.RoomKeyBackup;
import dev.larch.core.json.JsonMapper;
import dev.larch.storage.backup.JdbcKeyBackupStore;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link KeyBackupStore} contract. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class KeyBackupStoreTest extends DatabaseTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String ALGORITHM = "m.megolm_backup.v1.curve25519-aes-sha2";

  KeyBackupStoreTest(TestDatabase kind) {
    super(kind);
  }

  private static ObjectNode authData(String publicKey) {
    return JsonMapper.shared().createObjectNode().put("public_key", publicKey);
  }

  private static RoomKeyBackup key(String session, long first, long forwarded, boolean verified, String tag) {
    ObjectNode json = JsonMapper.shared().createObjectNode();
    json.put("first_message_index", first).put("forwarded_count", forwarded).put("is_verified", verified);
    json.putObject("session_data").put("ciphertext", tag);
    return new RoomKeyBackup("!room:larch.test", session, first, forwarded, verified, json);
  }

  @Test
  void versions_createCurrentUpdateDelete() {
    KeyBackupStore store = new JdbcKeyBackupStore(database);
    assertEquals(Optional.empty(), store.current(ALICE));
    String v1 = store.create(ALICE, ALGORITHM, authData("a"));
    String v2 = store.create(ALICE, ALGORITHM, authData("b"));
    assertEquals(v2, store.current(ALICE).orElseThrow().version());
    assertEquals(authData("a"), store.version(ALICE, v1).orElseThrow().authData());
    assertTrue(store.updateAuthData(ALICE, v2, authData("c")));
    assertEquals(authData("c"), store.current(ALICE).orElseThrow().authData());
    assertTrue(store.delete(ALICE, v2));
    assertTrue(store.delete(ALICE, v2), "deleting again succeeds");
    assertEquals(v1, store.current(ALICE).orElseThrow().version());
    assertFalse(store.delete(ALICE, "999999"));
    assertFalse(store.delete(ALICE, "not-a-number"));
    assertEquals(Optional.empty(), store.version("@bob:larch.test", v1));
  }

  @Test
  void putKeys_keepsTheBetterKey_andCountsAndEtagsFollow() {
    KeyBackupStore store = new JdbcKeyBackupStore(database);
    String v = store.create(ALICE, ALGORITHM, authData("a"));
    String etag0 = store.current(ALICE).orElseThrow().etag();
    BackupCounts c1 = store.putKeys(ALICE, v, List.of(key("s1", 5, 1, false, "first"))).orElseThrow();
    assertEquals(1, c1.count());
    assertNotEquals(etag0, c1.etag());
    // Worse: a higher first_message_index. Not stored, etag unchanged.
    BackupCounts c2 = store.putKeys(ALICE, v, List.of(key("s1", 6, 0, false, "worse"))).orElseThrow();
    assertEquals(c1, c2);
    // Verified wins over everything else.
    store.putKeys(ALICE, v, List.of(key("s1", 9, 9, true, "verified")));
    assertEquals("verified", ciphertext(store, v, "s1"));
    store.putKeys(ALICE, v, List.of(key("s1", 0, 0, false, "unverified")));
    assertEquals("verified", ciphertext(store, v, "s1"));
    // Same verification: a lower first_message_index, then a lower forwarded_count.
    store.putKeys(ALICE, v, List.of(key("s1", 8, 9, true, "lower-index")));
    assertEquals("lower-index", ciphertext(store, v, "s1"));
    store.putKeys(ALICE, v, List.of(key("s1", 8, 2, true, "lower-forwarded")));
    assertEquals("lower-forwarded", ciphertext(store, v, "s1"));

    store.putKeys(ALICE, v, List.of(key("s2", 0, 0, false, "two")));
    assertEquals(2, store.current(ALICE).orElseThrow().count());
    BackupCounts afterDelete = store.deleteKeys(ALICE, v, "!room:larch.test", "s1").orElseThrow();
    assertEquals(1, afterDelete.count());
    assertEquals(0, store.deleteKeys(ALICE, v, null, null).orElseThrow().count());
    assertEquals(Optional.empty(), store.putKeys(ALICE, "12345", List.of(key("s1", 0, 0, false, "x"))));
  }

  private static String ciphertext(KeyBackupStore store, String version, String session) {
    return store.keys(ALICE, version, "!room:larch.test", session).get("!room:larch.test").get(session)
        .get("session_data").get("ciphertext").textValue();
  }
}
