package dev.larch.storage.contract;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.federation.keys.LocalServerKeys;
import dev.larch.core.federation.keys.ServerKey;
import dev.larch.core.federation.keys.ServerKeyStore;
import dev.larch.core.federation.keys.VerifiedKeyResponse;
import dev.larch.storage.federation.keys.JdbcServerKeyStore;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/** The {@link ServerKeyStore} contract. */
@ParameterizedClass(name = "{0}")
@EnumSource(TestDatabase.class)
class ServerKeyStoreTest extends DatabaseTest {
  private static final String REMOTE = "remote.test";
  private static final long T0 = 1_700_000_000_000L;
  private static final SecureRandom RANDOM = new SecureRandom();

  ServerKeyStoreTest(TestDatabase kind) {
    super(kind);
  }

  /** A response of {@code REMOTE} signed with {@code key}, published at {@code at} for {@code validity}. */
  private static VerifiedKeyResponse response(String keyId, SigningKey key, long at, Duration validity,
      Map<String, LocalServerKeys.OldKey> old) throws Exception {
    Clock clock = Clock.fixed(Instant.ofEpochMilli(at), ZoneOffset.UTC);
    ObjectNode json = new LocalServerKeys(REMOTE, keyId, key, old, validity, clock).response();
    return VerifiedKeyResponse.verify(json, REMOTE, at);
  }

  @Test
  void store_thenRead_keepsTheResponseAndCappedKeys_acrossReopen() throws Exception {
    SigningKey key = SigningKey.generate(RANDOM);
    // Published for 30 days: the key answers for 7 days only, the response keeps what was published.
    VerifiedKeyResponse response = response("ed25519:a", key, T0, Duration.ofDays(30), Map.of());
    new JdbcServerKeyStore(database).store(response);
    reopen();
    ServerKeyStore store = new JdbcServerKeyStore(database);

    List<ServerKey> keys = store.keys(REMOTE);
    assertEquals(List.of(new ServerKey(REMOTE, VerifyKey.of("ed25519:a", key),
        T0 + VerifiedKeyResponse.MAX_VALIDITY_MILLIS, false)), keys);
    ServerKeyStore.StoredResponse stored = store.response(REMOTE).orElseThrow();
    assertEquals(response.json(), stored.json());
    assertEquals(T0 + Duration.ofDays(30).toMillis(), stored.validUntilTs());
    assertEquals(T0, stored.receivedAtMillis());
    // What was stored still verifies: it is byte-for-byte the signed object.
    VerifiedKeyResponse.verify(stored.json(), REMOTE, T0);
    assertTrue(store.keys("other.test").isEmpty());
    assertTrue(store.response("other.test").isEmpty());
  }

  @Test
  void aNewerResponseReplaces_anOlderOneOnlyAddsUnknownKeys() throws Exception {
    ServerKeyStore store = new JdbcServerKeyStore(database);
    SigningKey first = SigningKey.generate(RANDOM);
    SigningKey second = SigningKey.generate(RANDOM);
    SigningKey stale = SigningKey.generate(RANDOM);
    store.store(response("ed25519:a", first, T0, Duration.ofDays(1), Map.of()));

    // The server rotates: a becomes old (expired at T0 + 2h), b is current.
    long later = T0 + Duration.ofHours(2).toMillis();
    VerifiedKeyResponse rotated = response("ed25519:b", second, later, Duration.ofDays(1),
        Map.of("ed25519:a", new LocalServerKeys.OldKey(VerifyKey.of("ed25519:a", first), later)));
    store.store(rotated);
    // A stale copy (an older valid_until_ts, from a notary) must not bring a back as current, but its unknown key
    // c is learnt.
    store.store(response("ed25519:c", stale, T0, Duration.ofHours(1), Map.of()));
    VerifiedKeyResponse staleWithA = response("ed25519:a", first, T0, Duration.ofHours(1), Map.of());
    store.store(staleWithA);

    List<ServerKey> keys = store.keys(REMOTE);
    assertEquals(3, keys.size(), keys.toString());
    ServerKey a = keys.get(0);
    assertEquals("ed25519:a", a.keyId());
    assertTrue(a.old());
    assertEquals(later, a.validUntilMillis());
    assertFalse(keys.get(1).old());
    assertEquals(VerifyKey.of("ed25519:b", second), keys.get(1).key());
    assertEquals(VerifyKey.of("ed25519:c", stale), keys.get(2).key());
    assertEquals(rotated.json(), store.response(REMOTE).orElseThrow().json());
  }
}
