package dev.larch.core.federation.keys;

import dev.larch.core.crypto.VerifyKey;
import java.util.List;

/**
 * A notary this server asks for keys it cannot fetch directly (Synapse's {@code trusted_key_servers}).
 *
 * @param verifyKeys the notary's keys as configured; empty to fetch them from the notary itself and trust them as
 *     fetched (over TLS), which is weaker: say them in the config where the notary publishes them
 */
public record TrustedKeyServer(String serverName, List<VerifyKey> verifyKeys) {
  public TrustedKeyServer {
    verifyKeys = List.copyOf(verifyKeys);
  }
}
