package dev.larch.overlay.wire;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.identity.PublicKey;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A tree announcement: the root (key, sequence) followed by one signed entry per hop from the root down to the sender.
 *
 * <p>Protocol doc 4.2 (encoding), 4.3 (what each entry signs), 4.4 (sanity checks) and 4.8 (coordinates). Immutable;
 * {@link #signedFor} returns a new announcement with our entry appended for one peer.
 */
public record SwitchAnnouncement(Root root, List<SignatureHop> hops) {
  public SwitchAnnouncement {
    hops = List.copyOf(hops);
  }

  /** A root's own announcement before it signs it for a peer. */
  public static SwitchAnnouncement rootOf(PublicKey key, long sequence) {
    return new SwitchAnnouncement(new Root(key, sequence), List.of());
  }

  /** The encoded bytes (the type-1 frame payload). */
  public byte[] encode() {
    int length = PublicKey.LENGTH + VarU64.length(root.sequence());
    for (SignatureHop h : hops) {
      length += VarU64.length(h.hop()) + PublicKey.LENGTH + PublicKey.SIGNATURE_LENGTH;
    }
    byte[] out = new byte[length];
    root.key().writeTo(out, 0);
    int offset = PublicKey.LENGTH + VarU64.write(root.sequence(), out, PublicKey.LENGTH);
    for (SignatureHop h : hops) {
      offset += VarU64.write(h.hop(), out, offset);
      h.key().writeTo(out, offset);
      System.arraycopy(h.signature(), 0, out, offset + PublicKey.LENGTH, PublicKey.SIGNATURE_LENGTH);
      offset += PublicKey.LENGTH + PublicKey.SIGNATURE_LENGTH;
    }
    return out;
  }

  /** This announcement with our entry for the peer on {@code port}, signed over all bytes so far. */
  public SwitchAnnouncement signedFor(NodeKey key, long port) {
    byte[] prefix = encode();
    List<SignatureHop> next = new ArrayList<>(hops.size() + 1);
    next.addAll(hops);
    next.add(new SignatureHop(port, key.publicKey(), key.sign(prefix)));
    return new SwitchAnnouncement(root, next);
  }

  /**
   * Decodes a payload and verifies every entry's signature, as Go's {@code UnmarshalBinary}: entries are read while at
   * least 97 bytes remain, and a shorter trailing fragment is ignored.
   */
  public static SwitchAnnouncement decode(byte[] payload, SignatureVerifier verifier) {
    if (payload.length < PublicKey.LENGTH + 1) {
      throw new BadPeerException("announcement shorter than 33 bytes");
    }
    WireCursor in = new WireCursor(payload, 0, payload.length);
    Root root = new Root(in.readKey(), in.readVarU64());
    List<SignatureHop> hops = new ArrayList<>();
    while (in.remaining() >= SignatureHop.MIN_LENGTH) {
      int entryStart = in.position();
      long hop = in.readVarU64();
      PublicKey key = in.readKey();
      byte[] signature = in.readBytes(PublicKey.SIGNATURE_LENGTH, "signature");
      if (!verifier.verify(key, payload, entryStart, signature)) {
        throw new BadPeerException("signature verification failed for hop " + Long.toUnsignedString(hop));
      }
      hops.add(new SignatureHop(hop, key, signature));
    }
    return new SwitchAnnouncement(root, hops);
  }

  /** Protocol doc 4.4 checks 2-6; {@code from} is the sending peer's handshake key. */
  public void sanityCheck(PublicKey from) {
    if (hops.isEmpty()) {
      throw new BadPeerException("update has no signatures");
    }
    Set<PublicKey> seen = new HashSet<>();
    for (int i = 0; i < hops.size(); i++) {
      SignatureHop h = hops.get(i);
      if (i == 0 && !h.key().equals(root.key())) {
        throw new BadPeerException("update first signature doesn't match root key");
      }
      if (h.hop() == 0) {
        throw new BadPeerException("update contains invalid 0 hop");
      }
      if (i == hops.size() - 1 && !h.key().equals(from)) {
        throw new BadPeerException("update last signature is not from direct peer");
      }
      if (!seen.add(h.key())) {
        throw new BadPeerException("update contains routing loop");
      }
    }
  }

  /** Whether {@code key} signed any entry (or an entry repeats): the sender is our child, or a loop. */
  public boolean isLoopOrChildOf(PublicKey key) {
    Set<PublicKey> seen = new HashSet<>();
    for (SignatureHop h : hops) {
      if (h.key().equals(key) || !seen.add(h.key())) {
        return true;
      }
    }
    return false;
  }

  /** All hops: the receiver's coordinates when this came from its parent. */
  public Coordinates coords() {
    long[] ports = new long[hops.size()];
    for (int i = 0; i < ports.length; i++) {
      ports[i] = hops.get(i).hop();
    }
    return Coordinates.of(ports);
  }

  /** All hops but the last: the sender's own coordinates. */
  public Coordinates peerCoords() {
    return coords().parent();
  }

  /** Verifies one entry's signature over {@code payload[0, prefixLength)}; the router may cache results. */
  @FunctionalInterface
  public interface SignatureVerifier {
    boolean verify(PublicKey key, byte[] payload, int prefixLength, byte[] signature);

    /** Checks every signature with ed25519, no caching. */
    SignatureVerifier DIRECT = (key, payload, prefixLength, signature) ->
        key.verify(java.util.Arrays.copyOf(payload, prefixLength), signature);
  }
}
