package dev.larch.core.federation.keys;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SigningKey;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.ratelimit.TestClock;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class KeyRingTest {
  private static final long T0 = 1_700_000_000_000L;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String US = "larch.test";
  private static final String REMOTE = "remote.test";
  private static final String NOTARY = "notary.test";
  private static final String KEY_ID = "ed25519:r1";

  private final TestClock clock = new TestClock(T0);
  private final FakeServers servers = new FakeServers();
  private final MemoryServerKeyStore store = new MemoryServerKeyStore();
  private final LocalServerKeys us = keysOf(US, "ed25519:us", SigningKey.generate(RANDOM), Duration.ofDays(1));
  private final SigningKey remoteKey = SigningKey.generate(RANDOM);
  private final LocalServerKeys remote = keysOf(REMOTE, KEY_ID, remoteKey, Duration.ofDays(1));
  private final LocalServerKeys notary = keysOf(NOTARY, "ed25519:n", SigningKey.generate(RANDOM), Duration.ofDays(1));
  /** What each server publishes, as the notary has cached it. */
  private final Map<String, ObjectNode> published = new ConcurrentHashMap<>();

  private LocalServerKeys keysOf(String server, String keyId, SigningKey key, Duration validity) {
    return new LocalServerKeys(server, keyId, key, Map.of(), validity, clock);
  }

  private KeyRing ring(List<TrustedKeyServer> notaries) {
    return new KeyRing(us, store, servers, notaries, clock, Duration.ofMinutes(1));
  }

  private void serveKeys(String server, LocalServerKeys keys) {
    servers.serve(server, request -> {
      assertEquals("GET", request.method());
      assertEquals("/_matrix/key/v2/server", request.path());
      return keys.response();
    });
  }

  /** The notary answers from {@link #published}, countersigning each entry (or not, when {@code sign} is false). */
  private void serveNotary(boolean sign) {
    servers.serve(NOTARY, request -> {
      assertEquals("POST", request.method());
      assertEquals("/_matrix/key/v2/query", request.path());
      ObjectNode answer = JsonNodeFactory.instance.objectNode();
      ArrayNode entries = answer.putArray("server_keys");
      request.body().path("server_keys").fieldNames().forEachRemaining(server -> {
        ObjectNode entry = published.get(server);
        if (entry != null) {
          ObjectNode copy = entry.deepCopy();
          if (sign) {
            notary.countersign(copy);
          }
          entries.add(copy);
        }
      });
      return answer;
    });
  }

  private TrustedKeyServer trustedNotary() {
    return new TrustedKeyServer(NOTARY, List.of(VerifyKey.of("ed25519:n", notary.signingKey())));
  }

  @Test
  void fetchesDirectly_thenAnswersFromMemory_andFromTheStoreAfterARestart() {
    serveKeys(REMOTE, remote);
    KeyRing ring = ring(List.of());
    assertEquals(Optional.of(VerifyKey.of(KEY_ID, remoteKey)), ring.verifyKey(REMOTE, KEY_ID, T0));
    assertEquals(Optional.of(VerifyKey.of(KEY_ID, remoteKey)), ring.verifyKey(REMOTE, KEY_ID, T0 + 1000));
    assertEquals(1, servers.requestsTo(REMOTE).size());

    servers.down(REMOTE);
    KeyRing restarted = ring(List.of());
    assertEquals(Optional.of(VerifyKey.of(KEY_ID, remoteKey)), restarted.verifyKey(REMOTE, KEY_ID, T0));
    assertEquals(1, servers.requestsTo(REMOTE).size());
    assertTrue(store.response(REMOTE).isPresent());
  }

  @Test
  void ownAndP2pKeysAreNeverFetched() {
    KeyRing ring = ring(List.of());
    assertEquals(Optional.of(VerifyKey.of("ed25519:us", us.signingKey())), ring.verifyKey(US, "ed25519:us", T0));
    assertTrue(ring.verifyKey(US, "ed25519:other", T0).isEmpty());
    SigningKey p2p = SigningKey.generate(RANDOM);
    String name = HexFormat.of().formatHex(p2p.publicKey());
    assertEquals(Optional.of(VerifyKey.of(P2pServerKey.KEY_ID, p2p)),
        ring.verifyKey(name, P2pServerKey.KEY_ID, T0));
    assertTrue(ring.verifyKey(name, "ed25519:auto", T0).isEmpty());
    assertEquals(List.of(), servers.requests());
  }

  @Test
  void aForgedOrMisnamedResponseIsRefused() {
    // Lists the real key but is signed by another one under the same key ID.
    SigningKey forger = SigningKey.generate(RANDOM);
    servers.serve(REMOTE, request -> {
      ObjectNode json = remote.response();
      json.remove("signatures");
      keysOf(REMOTE, KEY_ID, forger, Duration.ofDays(1)).countersign(json);
      return json;
    });
    KeyRing ring = ring(List.of());
    assertTrue(ring.verifyKey(REMOTE, KEY_ID, T0).isEmpty());

    // Correctly signed, but by and about another server.
    servers.serve(REMOTE, request -> keysOf("evil.test", KEY_ID, remoteKey, Duration.ofDays(1)).response());
    clock.advance(Duration.ofMinutes(2).toMillis());
    assertTrue(ring.verifyKey(REMOTE, KEY_ID, clock.millis()).isEmpty());
    assertTrue(store.keys(REMOTE).isEmpty());
    assertEquals(2, servers.requestsTo(REMOTE).size());
  }

  @Test
  void failuresAreRememberedBriefly_soADeadServerIsNotHammered() {
    KeyRing ring = ring(List.of());
    assertTrue(ring.verifyKey(REMOTE, KEY_ID, T0).isEmpty());
    assertTrue(ring.verifyKey(REMOTE, KEY_ID, T0).isEmpty());
    ring.prefetch(Map.of(REMOTE, Map.of(KEY_ID, T0)));
    assertEquals(1, servers.requestsTo(REMOTE).size());

    serveKeys(REMOTE, remote);
    clock.advance(Duration.ofSeconds(61).toMillis());
    assertEquals(Optional.of(VerifyKey.of(KEY_ID, remoteKey)), ring.verifyKey(REMOTE, KEY_ID, clock.millis()));
    assertEquals(2, servers.requestsTo(REMOTE).size());
  }

  @Test
  void validity_isCappedAtSevenDays_andAnExpiredKeyIsRefetched() {
    LocalServerKeys longLived = keysOf(REMOTE, KEY_ID, remoteKey, Duration.ofDays(30));
    serveKeys(REMOTE, longLived);
    KeyRing ring = ring(List.of());
    assertTrue(ring.verifyKey(REMOTE, KEY_ID, T0).isPresent());
    long eightDays = T0 + Duration.ofDays(8).toMillis();
    // Beyond the cap: refetched (the answer is as long-lived as before, so still capped at T0 + 7 days).
    assertTrue(ring.verifyKey(REMOTE, KEY_ID, eightDays).isEmpty());
    assertEquals(2, servers.requestsTo(REMOTE).size());
    assertTrue(ring.verifyKey(REMOTE, KEY_ID, ServerKeys.ANY_TIME).isPresent());
    // Time passes: the fresh fetch at the later time covers it.
    clock.advance(Duration.ofDays(2).toMillis());
    ring.forgetFailures();
    assertTrue(ring.verifyKey(REMOTE, KEY_ID, eightDays).isPresent());
  }

  @Test
  void oldKeysAnswerOnlyForTimesBeforeTheyExpired() {
    SigningKey retired = SigningKey.generate(RANDOM);
    long expired = T0 - 1000;
    LocalServerKeys rotated = new LocalServerKeys(REMOTE, KEY_ID, remoteKey,
        Map.of("ed25519:old", new LocalServerKeys.OldKey(VerifyKey.of("ed25519:old", retired), expired)),
        Duration.ofDays(1), clock);
    serveKeys(REMOTE, rotated);
    KeyRing ring = ring(List.of());
    assertEquals(Optional.of(VerifyKey.of("ed25519:old", retired)), ring.verifyKey(REMOTE, "ed25519:old", T0 - 5000));
    assertTrue(ring.verifyKey(REMOTE, "ed25519:old", T0).isEmpty());
  }

  @Test
  void throughANotary_whenTheServerIsDown_checkingTheNotarysSignature() {
    published.put(REMOTE, remote.response());
    serveNotary(true);
    KeyRing ring = ring(List.of(trustedNotary()));
    assertEquals(Optional.of(VerifyKey.of(KEY_ID, remoteKey)), ring.verifyKey(REMOTE, KEY_ID, T0));
    FakeServers.Request asked = servers.requestsTo(NOTARY).get(0);
    assertEquals(T0, asked.body().path("server_keys").path(REMOTE).path(KEY_ID).path("minimum_valid_until_ts")
        .longValue());
  }

  @Test
  void aNotaryAnswerWithoutTheNotarysSignature_orWithAForgedEntry_isRefused() {
    published.put(REMOTE, remote.response());
    serveNotary(false);
    KeyRing ring = ring(List.of(trustedNotary()));
    assertTrue(ring.verifyKey(REMOTE, KEY_ID, T0).isEmpty());

    // Signed by the notary, but the entry's own signature is not by the key it lists.
    ObjectNode forged = remote.response();
    forged.remove("signatures");
    keysOf(REMOTE, KEY_ID, SigningKey.generate(RANDOM), Duration.ofDays(1)).countersign(forged);
    published.put(REMOTE, forged);
    serveNotary(true);
    clock.advance(Duration.ofMinutes(2).toMillis());
    assertTrue(ring.verifyKey(REMOTE, KEY_ID, clock.millis()).isEmpty());
    assertTrue(store.keys(REMOTE).isEmpty());
  }

  @Test
  void aNotaryWithoutConfiguredKeys_isCheckedWithTheKeysItPublishes() {
    published.put(REMOTE, remote.response());
    serveNotary(true);
    FakeServers direct = servers;
    // The notary serves its own key API too.
    direct.serve(NOTARY, request -> {
      if (request.method().equals("GET")) {
        return notary.response();
      }
      ObjectNode answer = JsonNodeFactory.instance.objectNode();
      ObjectNode copy = published.get(REMOTE).deepCopy();
      notary.countersign(copy);
      answer.putArray("server_keys").add(copy);
      return answer;
    });
    KeyRing ring = ring(List.of(new TrustedKeyServer(NOTARY, List.of())));
    assertTrue(ring.verifyKey(REMOTE, KEY_ID, T0).isPresent());
  }

  @Test
  void prefetch_asksEachServerOnce_andTheNotaryOnceForAllThatFailed() {
    String second = "second.test";
    SigningKey secondKey = SigningKey.generate(RANDOM);
    published.put(REMOTE, remote.response());
    published.put(second, keysOf(second, "ed25519:s", secondKey, Duration.ofDays(1)).response());
    serveNotary(true);
    KeyRing ring = ring(List.of(trustedNotary()));
    ring.prefetch(Map.of(REMOTE, Map.of(KEY_ID, T0), second, Map.of("ed25519:s", T0)));
    assertEquals(1, servers.requestsTo(REMOTE).size());
    assertEquals(1, servers.requestsTo(second).size());
    assertEquals(1, servers.requestsTo(NOTARY).size());
    JsonNode criteria = servers.requestsTo(NOTARY).get(0).body().path("server_keys");
    assertTrue(criteria.has(REMOTE) && criteria.has(second));

    assertTrue(ring.verifyKey(REMOTE, KEY_ID, T0).isPresent());
    assertTrue(ring.verifyKey(second, "ed25519:s", T0).isPresent());
    assertEquals(3, servers.requests().size());
    // Already known: nothing more is asked.
    ring.prefetch(Map.of(REMOTE, Map.of(KEY_ID, T0)));
    assertEquals(3, servers.requests().size());
  }

  private static KeyNotary.Criteria wants(long minimum) {
    return new KeyNotary.Criteria(java.util.Set.of(KEY_ID), java.util.OptionalLong.of(minimum));
  }

  @Test
  void notary_servesCachedResponsesCountersigned_refreshingWhenTooOld() throws Exception {
    serveKeys(REMOTE, remote);
    KeyRing ring = ring(List.of());
    KeyNotary notaryService = new KeyNotary(us, ring, store, clock);

    List<ObjectNode> answer = notaryService.query(Map.of(REMOTE, KeyNotary.Criteria.any()));
    assertEquals(1, answer.size());
    VerifiedKeyResponse.verify(answer.get(0), REMOTE, T0);
    assertTrue(VerifiedKeyResponse.signedBy(answer.get(0), US, VerifyKey.of("ed25519:us", us.signingKey())));
    assertEquals(1, servers.requestsTo(REMOTE).size());

    // Cached and good enough: served without asking.
    notaryService.query(Map.of(REMOTE, wants(T0 + 1000)));
    assertEquals(1, servers.requestsTo(REMOTE).size());
    // Needed valid beyond what is cached: fetched again.
    long later = T0 + Duration.ofDays(3).toMillis();
    notaryService.query(Map.of(REMOTE, wants(later)));
    assertEquals(2, servers.requestsTo(REMOTE).size());
    // The server is down: the stale cached response is still served.
    servers.down(REMOTE);
    clock.advance(Duration.ofMinutes(5).toMillis());
    List<ObjectNode> stale = notaryService.query(Map.of(REMOTE, wants(later)));
    assertEquals(1, stale.size());
    assertEquals(3, servers.requestsTo(REMOTE).size());
    // Our own keys, and nothing for unknown or P2P servers.
    List<ObjectNode> own = notaryService.query(Map.of(US, KeyNotary.Criteria.any(),
        "nobody.test", KeyNotary.Criteria.any(), "a".repeat(64), KeyNotary.Criteria.any()));
    assertEquals(1, own.size());
    assertEquals(US, own.get(0).path("server_name").textValue());
    assertFalse(own.get(0).path("verify_keys").isEmpty());
  }
}
