package dev.larch.core.federation.keys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.larch.core.crypto.SignatureRef;
import dev.larch.core.crypto.Signatures;
import dev.larch.core.crypto.VerifyKey;
import dev.larch.core.federation.FederationClient;
import dev.larch.core.federation.RemoteServerException;
import java.time.Clock;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ServerKeys} that fetches what it does not know: this server's own keys answered locally, P2P names' keys
 * read off the name ({@link P2pServerKey}), every other server's keys from memory, then the database, then the
 * server itself ({@code GET /_matrix/key/v2/server}), then the configured notaries ({@code POST
 * /_matrix/key/v2/query}), in that order.
 *
 * <p>Spec: server-server API v1.11, "Retrieving server keys". A direct answer must be signed by the server with a key
 * it lists and name that server; a notary's answer must also carry the notary's valid signature
 * ({@link VerifiedKeyResponse}). Validity follows {@link ServerKey#answersFor}.
 *
 * <p>Implementation notes: a lookup that found nothing (the server unreachable, its answer invalid, the key not in
 * it) is remembered for {@code retryAfter}, so events signed by a dead or lying server do not cost a round trip
 * each. Concurrent lookups of one server share one fetch. Remote failures are logged and end as "no key"; only our
 * own faults (the database) throw.
 */
public final class KeyRing implements ServerKeys {
  /** How long a failed lookup is not repeated, unless configured otherwise. */
  public static final Duration DEFAULT_RETRY_AFTER = Duration.ofMinutes(1);

  static final String SERVER_PATH = "/_matrix/key/v2/server";
  static final String QUERY_PATH = "/_matrix/key/v2/query";

  private static final Logger log = LoggerFactory.getLogger(KeyRing.class);
  private static final int CACHED_SERVERS = 10_000;
  // A fetch has its own timeouts (the client's); this only stops a waiter from hanging on a stuck one forever.
  private static final long WAIT_FOR_OTHER_FETCH_SECONDS = 120;

  private final LocalServerKeys local;
  private final ServerKeyStore store;
  private final FederationClient client;
  private final List<TrustedKeyServer> notaries;
  private final Clock clock;
  private final long retryAfterMillis;
  private final Map<String, Map<String, ServerKey>> cache = Collections.synchronizedMap(
      new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Map<String, ServerKey>> eldest) {
          return size() > CACHED_SERVERS;
        }
      });
  /** "server" (direct fetch failed) or "server keyId" (nothing found) to the time it may be tried again. */
  private final Map<String, Long> failures = new ConcurrentHashMap<>();
  private final Map<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

  public KeyRing(LocalServerKeys local, ServerKeyStore store, FederationClient client,
      List<TrustedKeyServer> notaries, Clock clock, Duration retryAfter) {
    this.local = local;
    this.store = store;
    this.client = client;
    this.notaries = List.copyOf(notaries);
    this.clock = clock;
    this.retryAfterMillis = retryAfter.toMillis();
  }

  @Override
  public Optional<VerifyKey> verifyKey(String serverName, String keyId, long atMillis) {
    if (serverName.equals(local.serverName())) {
      return local.verifyKey(keyId, atMillis);
    }
    if (P2pServerKey.isP2pName(serverName)) {
      return P2pServerKey.keyOf(serverName, keyId);
    }
    if (!Signatures.isSupportedKeyId(keyId)) {
      return Optional.empty();
    }
    Optional<VerifyKey> known = known(serverName, keyId, atMillis);
    if (known.isPresent() || failedRecently(serverName + " " + keyId)) {
      return known;
    }
    fetch(Map.of(serverName, Map.of(keyId, atMillis)));
    return known(serverName, keyId, atMillis);
  }

  @Override
  public void prefetch(Map<String, Map<String, Long>> wanted) {
    Map<String, Map<String, Long>> missing = new LinkedHashMap<>();
    wanted.forEach((server, keys) -> {
      if (server.equals(local.serverName()) || P2pServerKey.isP2pName(server)) {
        return;
      }
      keys.forEach((keyId, at) -> {
        if (Signatures.isSupportedKeyId(keyId) && known(server, keyId, at).isEmpty()
            && !failedRecently(server + " " + keyId)) {
          missing.computeIfAbsent(server, s -> new LinkedHashMap<>()).put(keyId, at);
        }
      });
    });
    if (!missing.isEmpty()) {
      fetch(missing);
    }
  }

  /**
   * Fetches {@code serverName}'s keys from the server itself, verifies and stores them: what a notary does for a
   * query it has no good cached answer for. Empty when the server could not be reached or answered badly (then
   * not asked again for {@code retryAfter}).
   */
  public Optional<VerifiedKeyResponse> fetchDirect(String serverName) {
    if (serverName.equals(local.serverName()) || P2pServerKey.isP2pName(serverName)
        || failedRecently(serverName)) {
      return Optional.empty();
    }
    try {
      JsonNode json = client.get(serverName, SERVER_PATH);
      VerifiedKeyResponse response = VerifiedKeyResponse.verify(json, serverName, clock.millis());
      remember(response);
      log.debug("server keys fetched server={} keys={}", serverName, response.keys().size());
      return Optional.of(response);
    } catch (RemoteServerException e) {
      log.info("server keys unavailable server={} kind={} reason={}", serverName, e.kind(), e.getMessage());
    } catch (InvalidKeyResponseException e) {
      log.warn("server keys refused server={} reason={}", serverName, e.getMessage());
    }
    failed(serverName);
    return Optional.empty();
  }

  /** Fetches the keys in {@code missing} (server to key ID to time), one fetch per server even across threads. */
  private void fetch(Map<String, Map<String, Long>> missing) {
    Map<String, CompletableFuture<Void>> mine = new LinkedHashMap<>();
    Map<String, CompletableFuture<Void>> others = new LinkedHashMap<>();
    for (String server : missing.keySet()) {
      CompletableFuture<Void> claim = new CompletableFuture<>();
      CompletableFuture<Void> existing = inFlight.putIfAbsent(server, claim);
      if (existing == null) {
        mine.put(server, claim);
      } else {
        others.put(server, existing);
      }
    }
    try {
      Map<String, Map<String, Long>> todo = new LinkedHashMap<>();
      mine.keySet().forEach(server -> todo.put(server, missing.get(server)));
      fetchClaimed(todo);
    } finally {
      mine.forEach((server, claim) -> {
        inFlight.remove(server, claim);
        claim.complete(null);
      });
    }
    for (CompletableFuture<Void> other : others.values()) {
      try {
        other.get(WAIT_FOR_OTHER_FETCH_SECONDS, TimeUnit.SECONDS);
      } catch (ExecutionException | TimeoutException e) {
        // The other fetch's outcome is read from the cache either way.
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private void fetchClaimed(Map<String, Map<String, Long>> todo) {
    Map<String, Map<String, Long>> stillMissing = new LinkedHashMap<>();
    for (Map.Entry<String, Map<String, Long>> entry : todo.entrySet()) {
      String server = entry.getKey();
      // Another thread may have fetched it while this one waited for its claim.
      Map<String, Long> left = missingOf(server, entry.getValue());
      if (!left.isEmpty()) {
        fetchDirect(server);
        left = missingOf(server, left);
      }
      if (!left.isEmpty()) {
        stillMissing.put(server, left);
      }
    }
    for (TrustedKeyServer notary : notaries) {
      if (stillMissing.isEmpty()) {
        break;
      }
      askNotary(notary, stillMissing);
      stillMissing.replaceAll((server, keys) -> missingOf(server, keys));
      stillMissing.values().removeIf(Map::isEmpty);
    }
    stillMissing.forEach((server, keys) -> keys.keySet().forEach(keyId -> failed(server + " " + keyId)));
  }

  /** Asks {@code notary} for every server in {@code missing} but itself, keeping the answers it vouches for. */
  private void askNotary(TrustedKeyServer notary, Map<String, Map<String, Long>> missing) {
    ObjectNode body = JsonNodeFactory.instance.objectNode();
    ObjectNode criteria = body.putObject("server_keys");
    missing.forEach((server, keys) -> {
      if (server.equals(notary.serverName())) {
        return; // its own keys through itself: no more than the direct fetch already tried
      }
      ObjectNode serverCriteria = criteria.putObject(server);
      keys.forEach((keyId, at) -> {
        ObjectNode keyCriteria = serverCriteria.putObject(keyId);
        if (at != ANY_TIME) {
          keyCriteria.put("minimum_valid_until_ts", at);
        }
      });
    });
    if (criteria.isEmpty()) {
      return;
    }
    JsonNode answer;
    try {
      answer = client.request(notary.serverName(), "POST", QUERY_PATH, body);
    } catch (RemoteServerException e) {
      log.info("notary unavailable notary={} kind={} reason={}", notary.serverName(), e.kind(), e.getMessage());
      return;
    }
    JsonNode entries = answer.get("server_keys");
    if (entries == null || !entries.isArray()) {
      log.warn("notary answer refused notary={} reason=server_keys is not a list", notary.serverName());
      return;
    }
    long now = clock.millis();
    for (JsonNode entry : entries) {
      JsonNode name = entry.get("server_name");
      if (name == null || !name.isTextual() || !criteria.has(name.textValue())) {
        continue; // not asked for: ignored rather than trusted
      }
      String server = name.textValue();
      try {
        VerifiedKeyResponse response = VerifiedKeyResponse.verify(entry, server, now);
        if (!vouchedFor(response.json(), notary)) {
          throw new InvalidKeyResponseException("not signed by the notary " + notary.serverName());
        }
        remember(response);
        log.debug("server keys fetched server={} notary={}", server, notary.serverName());
      } catch (InvalidKeyResponseException e) {
        log.warn("notary answer refused notary={} server={} reason={}", notary.serverName(), server,
            e.getMessage());
      }
    }
  }

  /** Whether the notary signed {@code json} with a configured key, or else with a key of its own as fetched. */
  private boolean vouchedFor(ObjectNode json, TrustedKeyServer notary) {
    if (!notary.verifyKeys().isEmpty()) {
      return notary.verifyKeys().stream().anyMatch(key -> VerifiedKeyResponse.signedBy(json, notary.serverName(), key));
    }
    for (SignatureRef ref : Signatures.list(json)) {
      if (ref.serverName().equals(notary.serverName())) {
        Optional<VerifyKey> key = verifyKey(notary.serverName(), ref.keyId(), clock.millis());
        if (key.isPresent() && VerifiedKeyResponse.signedBy(json, notary.serverName(), key.get())) {
          return true;
        }
      }
    }
    return false;
  }

  private void remember(VerifiedKeyResponse response) {
    store.store(response);
    cache.put(response.serverName(), load(response.serverName()));
  }

  private Map<String, Long> missingOf(String server, Map<String, Long> keys) {
    Map<String, Long> left = new LinkedHashMap<>();
    keys.forEach((keyId, at) -> {
      if (known(server, keyId, at).isEmpty()) {
        left.put(keyId, at);
      }
    });
    return left;
  }

  private Optional<VerifyKey> known(String server, String keyId, long atMillis) {
    Map<String, ServerKey> keys = cache.get(server);
    if (keys == null) {
      keys = load(server);
      cache.put(server, keys);
    }
    ServerKey key = keys.get(keyId);
    return key != null && key.answersFor(atMillis) ? Optional.of(key.key()) : Optional.empty();
  }

  private Map<String, ServerKey> load(String server) {
    Map<String, ServerKey> keys = new HashMap<>();
    for (ServerKey key : store.keys(server)) {
      keys.put(key.keyId(), key);
    }
    return Map.copyOf(keys);
  }

  private boolean failedRecently(String what) {
    Long until = failures.get(what);
    if (until == null) {
      return false;
    }
    if (clock.millis() < until) {
      return true;
    }
    failures.remove(what, until);
    return false;
  }

  /** Forgets remembered failures, so the next lookup fetches again (tests, and an operator's retry). */
  public void forgetFailures() {
    failures.clear();
  }

  private void failed(String what) {
    long now = clock.millis();
    if (failures.size() > CACHED_SERVERS) {
      failures.values().removeIf(until -> until <= now); // many dead servers: drop the expired entries
    }
    failures.put(what, now + retryAfterMillis);
  }
}
