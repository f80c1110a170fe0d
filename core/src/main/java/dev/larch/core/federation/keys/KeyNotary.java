package dev.larch.core.federation.keys;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * This server as a notary: answers {@code /_matrix/key/v2/query} with other servers' key responses, cached or
 * freshly fetched, each with this server's signature added.
 *
 * <p>Spec: server-server API v1.11, "Querying Keys Through Another Server". A cached response is served when its
 * {@code valid_until_ts} reaches the asker's {@code minimum_valid_until_ts} (now, if not given) and it lists every
 * key ID asked for; otherwise the server is asked directly, and when it cannot be reached the cached response is
 * served anyway ("Notary servers can return keys for servers that are offline ... by using cached responses"), so
 * the asker decides. A server with neither is left out. Our own keys are answered from {@link LocalServerKeys}; P2P
 * names publish no key responses (their key is their name), so they are left out too.
 */
public final class KeyNotary {
  private final LocalServerKeys local;
  private final KeyRing keyRing;
  private final ServerKeyStore store;
  private final Clock clock;

  public KeyNotary(LocalServerKeys local, KeyRing keyRing, ServerKeyStore store, Clock clock) {
    this.local = local;
    this.keyRing = keyRing;
    this.store = store;
    this.clock = clock;
  }

  /** The body of {@code GET /_matrix/key/v2/server}. */
  public ObjectNode ownKeys() {
    return local.response();
  }

  /**
   * What an asker wants of one server.
   *
   * @param keyIds the key IDs the answer must list; empty for any
   * @param minimumValidUntilTs the latest {@code minimum_valid_until_ts} given, or empty for "now"
   */
  public record Criteria(Set<String> keyIds, OptionalLong minimumValidUntilTs) {
    public Criteria {
      keyIds = Set.copyOf(keyIds);
    }

    /** Any key, valid now. */
    public static Criteria any() {
      return new Criteria(Set.of(), OptionalLong.empty());
    }
  }

  /** The key responses for {@code criteria} (by server name), countersigned: {@code server_keys} of the answer. */
  public List<ObjectNode> query(Map<String, Criteria> criteria) {
    List<ObjectNode> answers = new ArrayList<>();
    long now = clock.millis();
    criteria.forEach((server, wanted) -> {
      if (server.equals(local.serverName())) {
        answers.add(local.response());
        return;
      }
      if (P2pServerKey.isP2pName(server)) {
        return;
      }
      long minimum = Math.max(now, wanted.minimumValidUntilTs().orElse(now));
      answer(server, wanted.keyIds(), minimum).ifPresent(json -> {
        ObjectNode copy = json.deepCopy();
        local.countersign(copy);
        answers.add(copy);
      });
    });
    return answers;
  }

  private Optional<ObjectNode> answer(String server, Iterable<String> keyIds, long minimum) {
    Optional<ServerKeyStore.StoredResponse> cached = store.response(server);
    if (cached.isPresent() && cached.get().validUntilTs() >= minimum && listsAll(cached.get().json(), keyIds)) {
      return Optional.of(cached.get().json());
    }
    Optional<VerifiedKeyResponse> fresh = keyRing.fetchDirect(server);
    if (fresh.isPresent()) {
      return Optional.of(fresh.get().json());
    }
    return cached.map(ServerKeyStore.StoredResponse::json);
  }

  private static boolean listsAll(ObjectNode json, Iterable<String> keyIds) {
    for (String keyId : keyIds) {
      if (!json.path("verify_keys").has(keyId) && !json.path("old_verify_keys").has(keyId)) {
        return false;
      }
    }
    return true;
  }
}
