package dev.larch.overlay.wire;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.identity.PublicKey;
import java.util.Arrays;

/**
 * The signed body shared by bootstraps (type 2) and wakeup broadcasts (type 4): a sequence (Unix ms), the root the
 * sender follows, and the sender's signature over those encoded fields.
 *
 * <p>Protocol doc 5.2 and 7.1. The two frame types carry byte-identical payloads for equal values (14.8): there is no
 * domain separation. Bootstraps are verified with the frame's destination key, broadcasts with its source key.
 */
public record RootedMessage(long sequence, Root root, byte[] signature) {
  /** The smallest payload Go accepts: 1 + 33 + 64 bytes. */
  public static final int MIN_LENGTH = 1 + PublicKey.LENGTH + 1 + PublicKey.SIGNATURE_LENGTH;

  /** A message signed by {@code key}. */
  public static RootedMessage sign(NodeKey key, long sequence, Root root) {
    return new RootedMessage(sequence, root, key.sign(protectedBytes(sequence, root)));
  }

  /** {@code varu64(sequence) ‖ root key ‖ varu64(root sequence)}: what the signature covers. */
  public static byte[] protectedBytes(long sequence, Root root) {
    byte[] out = new byte[VarU64.length(sequence) + PublicKey.LENGTH + VarU64.length(root.sequence())];
    int offset = VarU64.write(sequence, out, 0);
    root.key().writeTo(out, offset);
    VarU64.write(root.sequence(), out, offset + PublicKey.LENGTH);
    return out;
  }

  public byte[] encode() {
    byte[] body = protectedBytes(sequence, root);
    byte[] out = Arrays.copyOf(body, body.length + PublicKey.SIGNATURE_LENGTH);
    System.arraycopy(signature, 0, out, body.length, PublicKey.SIGNATURE_LENGTH);
    return out;
  }

  /** Whether {@code signer} signed this message. */
  public boolean verifiedBy(PublicKey signer) {
    return signer.verify(protectedBytes(sequence, root), signature);
  }

  /** Decodes a payload; trailing bytes are ignored, as in Go. */
  public static RootedMessage decode(byte[] payload) {
    if (payload.length < MIN_LENGTH) {
      throw new BadPeerException("rooted message shorter than " + MIN_LENGTH + " bytes");
    }
    WireCursor in = new WireCursor(payload, 0, payload.length);
    long sequence = in.readVarU64();
    Root root = new Root(in.readKey(), in.readVarU64());
    byte[] signature = in.readBytes(PublicKey.SIGNATURE_LENGTH, "signature");
    return new RootedMessage(sequence, root, signature);
  }
}
