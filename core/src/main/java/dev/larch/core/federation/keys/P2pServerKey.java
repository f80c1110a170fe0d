package dev.larch.core.federation.keys;

import dev.larch.core.crypto.VerifyKey;
import java.util.HexFormat;
import java.util.Optional;

/**
 * P2P server names: a Pinecone node's Matrix server name is the 64 lowercase hex digits of its ed25519 public key, and
 * it signs with that key under the one key ID Dendrite's P2P nodes accept. So the key of such a server is read off its
 * name, never fetched (see {@code p2p-federation.md} section 1.4).
 */
public final class P2pServerKey {
  /** The only key ID of P2P servers. */
  public static final String KEY_ID = "ed25519:dendrite-demo-yggdrasil";

  private P2pServerKey() {}

  /** Whether {@code serverName} is a P2P name: exactly 64 lowercase hex digits (upper case is another name). */
  public static boolean isP2pName(String serverName) {
    if (serverName == null || serverName.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = serverName.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  /**
   * The key of a P2P server under {@code keyId}: its name decoded, if the name is a P2P name and the key ID is
   * {@link #KEY_ID}; empty otherwise (a P2P server has no other key).
   */
  public static Optional<VerifyKey> keyOf(String serverName, String keyId) {
    if (!isP2pName(serverName) || !KEY_ID.equals(keyId)) {
      return Optional.empty();
    }
    try {
      return Optional.of(VerifyKey.of(KEY_ID, HexFormat.of().parseHex(serverName)));
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // 32 bytes that are not a point on the curve
    }
  }
}
