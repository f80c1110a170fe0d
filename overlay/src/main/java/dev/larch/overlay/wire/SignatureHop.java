package dev.larch.overlay.wire;

import dev.larch.overlay.identity.PublicKey;

/**
 * One entry of a tree announcement: the signer's port towards the receiver, the signer's key, and its signature over
 * every announcement byte before this entry.
 *
 * <p>Protocol doc 4.2-4.3. {@code hop} is unsigned.
 */
public record SignatureHop(long hop, PublicKey key, byte[] signature) {
  /** The smallest encoded entry: a one-byte hop, a key and a signature. */
  public static final int MIN_LENGTH = 1 + PublicKey.LENGTH + PublicKey.SIGNATURE_LENGTH;
}
