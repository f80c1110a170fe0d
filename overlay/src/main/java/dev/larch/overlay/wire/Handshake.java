package dev.larch.overlay.wire;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.identity.PublicKey;
import java.util.Arrays;

/**
 * The 104-byte handshake each side writes as soon as a stream is up: version, reserved, capabilities, key, and a
 * signature over bytes 0..39.
 *
 * <p>Protocol doc 2.1. Checked in Go's order: version, then the exact capability word (no negotiation), then the
 * signature. Each failure is a {@link BadPeerException} with Go's wording.
 */
public final class Handshake {
  public static final int LENGTH = 104;
  public static final int VERSION = 1;
  /** LengthenedRootInterval | CryptographicSetups | DedupedCoordinateInfo | SoftState | HybridRouting. */
  public static final int CAPABILITIES = 0x0000003B;
  private static final int SIGNED_LENGTH = 40;

  private Handshake() {}

  /** Our handshake; deterministic for a given key. */
  public static byte[] build(NodeKey key) {
    byte[] out = new byte[LENGTH];
    out[0] = VERSION;
    out[4] = (byte) (CAPABILITIES >>> 24);
    out[5] = (byte) (CAPABILITIES >>> 16);
    out[6] = (byte) (CAPABILITIES >>> 8);
    out[7] = (byte) CAPABILITIES;
    key.publicKey().writeTo(out, 8);
    byte[] signature = key.sign(out, 0, SIGNED_LENGTH);
    System.arraycopy(signature, 0, out, SIGNED_LENGTH, signature.length);
    return out;
  }

  /** Checks the peer's handshake and returns its key. */
  public static PublicKey verify(byte[] handshake) {
    if (handshake == null || handshake.length != LENGTH) {
      throw new BadPeerException("handshake must be 104 bytes");
    }
    if (handshake[0] != VERSION) {
      throw new BadPeerException("mismatched node version");
    }
    int caps = ((handshake[4] & 0xff) << 24) | ((handshake[5] & 0xff) << 16)
        | ((handshake[6] & 0xff) << 8) | (handshake[7] & 0xff);
    if (caps != CAPABILITIES) {
      throw new BadPeerException("mismatched node capabilities");
    }
    PublicKey key = PublicKey.read(handshake, 8);
    byte[] signature = Arrays.copyOfRange(handshake, SIGNED_LENGTH, LENGTH);
    if (!key.verify(Arrays.copyOf(handshake, SIGNED_LENGTH), signature)) {
      throw new BadPeerException("peer sent invalid signature");
    }
    return key;
  }
}
