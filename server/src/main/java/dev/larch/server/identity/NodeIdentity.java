package dev.larch.server.identity;

import dev.larch.core.crypto.SigningKey;
import java.util.HexFormat;
import java.util.Optional;

/**
 * Who this node is: its mode, Matrix server name, signing key ID and key.
 *
 * @param mode peer-to-peer or classic
 * @param serverName the Matrix server name: 64 lowercase hex digits of the public key in P2P mode, the configured
 *     DNS name in classic mode
 * @param keyId the ID the signing key is published under, e.g. {@code ed25519:a_x3Fq}
 * @param signingKey the key itself; its {@code toString} shows only the public half
 */
public record NodeIdentity(Mode mode, String serverName, String keyId, SigningKey signingKey) {
  /**
   * The key ID of every P2P node: Dendrite's Pinecone demo accepts no other, and with the server name being the key,
   * there is nothing for a second ID to tell apart.
   */
  public static final String P2P_KEY_ID = "ed25519:dendrite-demo-yggdrasil";

  /** The identity for {@code keyFile}: classic mode under {@code serverName} if present, else P2P mode. */
  public static NodeIdentity of(KeyFile keyFile, Optional<String> serverName) {
    SigningKey key = keyFile.key();
    if (serverName.isPresent()) {
      return new NodeIdentity(Mode.CLASSIC, serverName.get(), "ed25519:" + keyFile.version(), key);
    }
    return new NodeIdentity(Mode.P2P, HexFormat.of().formatHex(key.publicKey()), P2P_KEY_ID, key);
  }
}
