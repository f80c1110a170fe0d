package dev.larch.core.federation.keys;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/** {@link ServerKeyStore} in memory, with the port's replace-only-when-newer rule, for key ring tests. */
final class MemoryServerKeyStore implements ServerKeyStore {
  private final Map<String, StoredResponse> responses = new HashMap<>();
  private final Map<String, Map<String, ServerKey>> keys = new HashMap<>();

  @Override
  public synchronized void store(VerifiedKeyResponse response) {
    StoredResponse stored = responses.get(response.serverName());
    boolean newer = stored == null || response.validUntilTs() >= stored.validUntilTs();
    if (newer) {
      responses.put(response.serverName(),
          new StoredResponse(response.json().deepCopy(), response.validUntilTs(), response.receivedAtMillis()));
    }
    Map<String, ServerKey> known = keys.computeIfAbsent(response.serverName(), s -> new TreeMap<>());
    for (ServerKey key : response.keys()) {
      if (newer) {
        known.put(key.keyId(), key);
      } else {
        known.putIfAbsent(key.keyId(), key);
      }
    }
  }

  @Override
  public synchronized List<ServerKey> keys(String serverName) {
    return new ArrayList<>(keys.getOrDefault(serverName, Map.of()).values());
  }

  @Override
  public synchronized Optional<StoredResponse> response(String serverName) {
    return Optional.ofNullable(responses.get(serverName));
  }
}
