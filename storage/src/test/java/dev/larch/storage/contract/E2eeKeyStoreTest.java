package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.json.JsonMapper;
import dev.larch.core.keys.ClaimedKey;
import dev.larch.core.keys.CrossSigningKeyType;
import dev.larch.core.keys.KeySignature;
import dev.larch.core.keys.SharedRoomChanges;
import dev.larch.storage.keys.JdbcDeviceKeyStore;
import dev.larch.storage.keys.JdbcDeviceListStore;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link dev.larch.core.keys.DeviceKeyStore} and {@link dev.larch.core.keys.DeviceListStore} contracts. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class E2eeKeyStoreTest extends DatabaseTest {
  private static final String ALICE = "@alice:larch.test";
  private static final String BOB = "@bob:larch.test";
  private static final String CAROL = "@carol:larch.test";

  E2eeKeyStoreTest(TestDatabase kind) {
    super(kind);
  }

  private static ObjectNode json(String text) {
    try {
      return (ObjectNode) JsonMapper.shared().readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static JsonNode value(String text) {
    try {
      return JsonMapper.shared().readTree(text);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Test
  void putDeviceKeys_keepsJsonExact_andRecordsAChangeOnlyWhenDifferent() {
    JdbcDeviceListStore lists = new JdbcDeviceListStore(database);
    JdbcDeviceKeyStore store = new JdbcDeviceKeyStore(database, lists);
    ObjectNode keys = json("{\"user_id\":\"" + ALICE + "\",\"device_id\":\"D1\",\"n\":12345678901234567890,"
        + "\"keys\":{\"ed25519:D1\":\"abc\"}}");
    assertTrue(store.putDeviceKeys(ALICE, "D1", keys));
    long first = lists.latestPosition();
    assertFalse(store.putDeviceKeys(ALICE, "D1", keys.deepCopy()));
    assertEquals(first, lists.latestPosition());
    assertEquals(keys, store.deviceKeys(ALICE).get("D1"));
    assertEquals("12345678901234567890", store.deviceKeys(ALICE).get("D1").get("n").toString());
    assertEquals(Set.of(ALICE), lists.changed(ALICE, 0, first));
    assertEquals(Set.of(), lists.changed(BOB, 0, first), "Bob shares no room with Alice");
  }

  @Test
  void claim_takesEachOneTimeKeyOnce_thenTheFallbackKeyWhichStays() {
    JdbcDeviceKeyStore store = new JdbcDeviceKeyStore(database, new JdbcDeviceListStore(database));
    store.addOneTimeKeys(ALICE, "D1", Map.of("signed_curve25519:AAA", value("{\"key\":\"a\"}"),
        "signed_curve25519:BBB", value("{\"key\":\"b\"}"), "curve25519:CCC", value("\"c\"")));
    // A retried upload of the same key ID changes nothing.
    store.addOneTimeKeys(ALICE, "D1", Map.of("signed_curve25519:AAA", value("{\"key\":\"other\"}")));
    assertEquals(Map.of("signed_curve25519", 2, "curve25519", 1), store.oneTimeKeyCounts(ALICE, "D1"));
    store.putFallbackKeys(ALICE, "D1", Map.of("signed_curve25519:FFF", value("{\"key\":\"f\",\"fallback\":true}")));
    assertEquals(List.of("signed_curve25519"), store.unusedFallbackKeyAlgorithms(ALICE, "D1"));

    assertEquals(new ClaimedKey("signed_curve25519:AAA", value("{\"key\":\"a\"}")),
        store.claim(ALICE, "D1", "signed_curve25519").orElseThrow());
    assertEquals("signed_curve25519:BBB", store.claim(ALICE, "D1", "signed_curve25519").orElseThrow().keyId());
    assertEquals("signed_curve25519:FFF", store.claim(ALICE, "D1", "signed_curve25519").orElseThrow().keyId());
    assertEquals("signed_curve25519:FFF", store.claim(ALICE, "D1", "signed_curve25519").orElseThrow().keyId());
    assertEquals(List.of(), store.unusedFallbackKeyAlgorithms(ALICE, "D1"));
    assertEquals(Optional.empty(), store.claim(ALICE, "D2", "signed_curve25519"));
    assertEquals(Map.of("curve25519", 1), store.oneTimeKeyCounts(ALICE, "D1"));
  }

  @Test
  void claim_concurrently_neverHandsOutAKeyTwice() throws Exception {
    JdbcDeviceKeyStore store = new JdbcDeviceKeyStore(database, new JdbcDeviceListStore(database));
    for (int i = 0; i < 40; i++) {
      store.addOneTimeKeys(ALICE, "D1", Map.of("signed_curve25519:K" + (100 + i), value("\"k" + i + "\"")));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Optional<ClaimedKey>>> claims = new ArrayList<>();
      for (int i = 0; i < 48; i++) {
        claims.add(pool.submit(() -> store.claim(ALICE, "D1", "signed_curve25519")));
      }
      Set<String> seen = new HashSet<>();
      int empty = 0;
      for (Future<Optional<ClaimedKey>> claim : claims) {
        Optional<ClaimedKey> key = claim.get();
        if (key.isPresent()) {
          assertTrue(seen.add(key.get().keyId()), "handed out twice: " + key.get().keyId());
        } else {
          empty++;
        }
      }
      assertEquals(40, seen.size());
      assertEquals(8, empty);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void crossSigningKeysAndSignatures_roundTrip_andSignaturesOfOthersNotifyTheSignerOnly() throws Exception {
    JdbcDeviceListStore lists = new JdbcDeviceListStore(database);
    JdbcDeviceKeyStore store = new JdbcDeviceKeyStore(database, lists);
    ObjectNode master = json("{\"user_id\":\"" + BOB + "\",\"usage\":[\"master\"],"
        + "\"keys\":{\"ed25519:" + "A".repeat(43) + "\":\"" + "A".repeat(43) + "\"}}");
    store.putCrossSigningKeys(BOB, Map.of(CrossSigningKeyType.MASTER, master));
    assertEquals(Map.of(CrossSigningKeyType.MASTER, master), store.crossSigningKeys(BOB));
    long before = lists.latestPosition();
    KeySignature signature = new KeySignature(BOB, "A".repeat(43), ALICE, "ed25519:usk", "sig");
    store.addSignatures(List.of(signature));
    assertEquals(List.of(signature), store.signatures(BOB));
    assertEquals(Set.of(BOB), lists.changed(ALICE, before, lists.latestPosition()));
    assertEquals(Set.of(), lists.changed(BOB, before, lists.latestPosition()));
    assertEquals(Set.of(), lists.changed(CAROL, before, lists.latestPosition()));
  }

  @Test
  void deleteDevices_removesKeysAndSignatures_andRecordsAChange() {
    JdbcDeviceListStore lists = new JdbcDeviceListStore(database);
    JdbcDeviceKeyStore store = new JdbcDeviceKeyStore(database, lists);
    store.putDeviceKeys(ALICE, "D1", json("{\"keys\":{}}"));
    store.addOneTimeKeys(ALICE, "D1", Map.of("signed_curve25519:A", value("\"a\"")));
    store.putFallbackKeys(ALICE, "D1", Map.of("signed_curve25519:F", value("\"f\"")));
    store.addSignatures(List.of(new KeySignature(ALICE, "D1", ALICE, "ed25519:ssk", "sig")));
    long before = lists.latestPosition();
    store.deleteDevices(ALICE, List.of("D1"));
    assertTrue(store.deviceKeys(ALICE).isEmpty());
    assertTrue(store.oneTimeKeyCounts(ALICE, "D1").isEmpty());
    assertTrue(store.unusedFallbackKeyAlgorithms(ALICE, "D1").isEmpty());
    assertTrue(store.signatures(ALICE).isEmpty());
    assertTrue(lists.latestPosition() > before);
  }

  @Test
  void changedAndSharedRoomChanges_followRoomMemberships() throws Exception {
    JdbcDeviceListStore lists = new JdbcDeviceListStore(database);
    JdbcDeviceKeyStore store = new JdbcDeviceKeyStore(database, lists);
    membership("!r1", ALICE, "join", 1);
    membership("!r1", BOB, "join", 2);
    membership("!r2", ALICE, "join", 3);
    membership("!r2", CAROL, "join", 4);
    store.putDeviceKeys(BOB, "B1", json("{\"keys\":{}}"));
    store.putDeviceKeys(CAROL, "C1", json("{\"keys\":{}}"));
    assertEquals(Set.of(BOB, CAROL), lists.changed(ALICE, 0, lists.latestPosition()));
    assertEquals(Set.of(BOB), lists.changed(BOB, 0, lists.latestPosition()));

    assertEquals(new SharedRoomChanges(Set.of(BOB, CAROL), Set.of()), lists.sharedRoomChanges(ALICE, 0, 4));
    assertEquals(new SharedRoomChanges(Set.of(CAROL), Set.of()), lists.sharedRoomChanges(ALICE, 3, 4));
    membership("!r2", CAROL, "leave", 5);
    assertEquals(new SharedRoomChanges(Set.of(), Set.of(CAROL)), lists.sharedRoomChanges(ALICE, 4, 5));
    membership("!r1", ALICE, "leave", 6);
    assertEquals(new SharedRoomChanges(Set.of(), Set.of(BOB)), lists.sharedRoomChanges(ALICE, 5, 6));
    assertEquals(Set.of(ALICE), lists.usersSharingRoomWith(ALICE));
  }

  private void membership(String roomId, String userId, String membership, long position) throws Exception {
    try (Connection c = database.dataSource().getConnection();
        PreparedStatement delete = c.prepareStatement(
            "DELETE FROM room_memberships WHERE room_id = ? AND user_id = ?");
        PreparedStatement insert = c.prepareStatement("INSERT INTO room_memberships"
            + " (room_id, user_id, membership, event_id, stream_ordering) VALUES (?, ?, ?, ?, ?)")) {
      delete.setString(1, roomId);
      delete.setString(2, userId);
      delete.executeUpdate();
      insert.setString(1, roomId);
      insert.setString(2, userId);
      insert.setString(3, membership);
      insert.setString(4, "$" + position);
      insert.setLong(5, position);
      insert.executeUpdate();
      if (!c.getAutoCommit()) {
        c.commit();
      }
    }
  }
}
