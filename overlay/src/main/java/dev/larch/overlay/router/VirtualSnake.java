package dev.larch.overlay.router;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.wire.Frame;
import dev.larch.overlay.wire.Root;
import dev.larch.overlay.wire.RootedMessage;
import dev.larch.overlay.wire.SignatureHop;
import dev.larch.overlay.wire.SwitchAnnouncement;
import dev.larch.overlay.wire.Watermark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * SNEK, the soft-state variant: signed bootstraps towards our own key every 5 s, a routing table of 10-second entries,
 * the descending neighbour, and the next-hop function.
 *
 * <p>Protocol doc 5.1-5.7 (Go's {@code router/state_snek.go}). Part of {@link RouterState}'s single-threaded actor.
 */
final class VirtualSnake {
  static final long MAINTAIN_INTERVAL_MS = 1_000;
  static final long BOOTSTRAP_INTERVAL_MS = 5_000;

  /** A next hop (null for none, the local peer for "here") and the watermark to stamp on the frame. */
  record NextHop(Peer peer, Watermark watermark) {}

  private final RouterState state;
  private final Map<PublicKey, SnekEntry> table = new HashMap<>();
  private SnekEntry descending;
  private long lastBootstrap = Long.MIN_VALUE / 2;
  private long lastBootstrapSequence;
  private long nextMaintain;

  VirtualSnake(RouterState state, long firstMaintain) {
    this.state = state;
    this.nextMaintain = firstMaintain;
  }

  SnekEntry descending() {
    return descending;
  }

  List<SnekEntry> entries() {
    return new ArrayList<>(table.values());
  }

  void reset() {
    table.clear();
    setDescending(null);
    nextMaintain = state.now;
  }

  void tick() {
    if (state.now >= nextMaintain) {
      maintain();
      nextMaintain = state.now + MAINTAIN_INTERVAL_MS;
    }
  }

  /** Go's {@code _maintainSnake}: expire the descending entry and routes, bootstrap when due (5.3). */
  private void maintain() {
    Root root = state.tree.rootAnnouncement().root();
    if (descending != null && (!descending.valid(state.now) || !descending.root().equals(root))) {
      setDescending(null);
    }
    table.values().removeIf(e -> !e.valid(state.now));
    if (state.now - lastBootstrap >= BOOTSTRAP_INTERVAL_MS) {
      bootstrapNow();
    }
  }

  void bootstrapSoon() {
    lastBootstrap = state.now - BOOTSTRAP_INTERVAL_MS;
  }

  /** A root never bootstraps; others send a signed bootstrap towards their own key (5.3). */
  private void bootstrapNow() {
    if (state.tree.parent() == null) {
      return;
    }
    // Unix ms as Go, but strictly increasing even within one millisecond, since receivers drop repeats.
    long sequence = Math.max(state.now, lastBootstrapSequence + 1);
    lastBootstrapSequence = sequence;
    Root root = state.tree.rootAnnouncement().root();
    byte[] payload = RootedMessage.sign(state.key, sequence, root).encode();
    NextHop next = nextHop(true, state.self, Watermark.NONE);
    if (next.peer() != null) {
      state.send(next.peer(), new Frame.Bootstrap(state.self, next.watermark(), payload));
    }
    lastBootstrap = state.now;
  }

  private void setDescending(SnekEntry entry) {
    if (descending == null || entry == null || !descending.key().equals(entry.key())) {
      bootstrapSoon();
    }
    descending = entry;
  }

  /** Forget routes through a peering that went away (4.9). */
  void peerLost(Peer peer) {
    table.values().removeIf(e -> e.source() == peer || e.destination() == peer);
    if (descending != null && descending.source() == peer) {
      setDescending(null);
    }
  }

  /**
   * Go's {@code getNextHopSNEK}, step by step as protocol doc 5.5: move to a known key strictly between the
   * destination and the best so far; an exact match wins; routes only if their watermark is not worse.
   */
  NextHop nextHop(boolean bootstrap, PublicKey destination, Watermark watermark) {
    if (!bootstrap && destination.equals(state.self)) {
      return new NextHop(state.local, watermark); // step 1
    }
    Best best = new Best(state.self, bootstrap ? null : state.local); // step 2
    Peer parent = state.tree.parent();
    if (parent != null && parent.started) { // step 3
      PublicKey rootKey = state.tree.rootAnnouncement().root().key();
      if ((bootstrap && best.key.equals(destination)) || PublicKey.dhtOrdered(best.key, destination, rootKey)) {
        best.take(rootKey, 0, parent);
      }
      if (parent.announcement != null) {
        for (SignatureHop ancestor : parent.announcement.hops()) {
          best.check(bootstrap, destination, ancestor.key(), 0, parent);
        }
      }
    }
    List<Peer> peers = state.peers();
    for (Peer peer : peers) { // step 4
      if (peer.announcement != null) {
        for (SignatureHop hop : peer.announcement.hops()) {
          best.check(bootstrap, destination, hop.key(), 0, peer);
        }
      }
    }
    for (Peer peer : peers) { // step 5: prefer the direct link to a key found as an ancestor
      if (peer.announcement != null && peer.key.equals(best.key)) {
        best.take(best.key, 0, peer);
      }
    }
    for (SnekEntry entry : table.values()) { // step 6
      if (!entry.source().started || !entry.valid(state.now) || entry.watermark().worseThan(watermark)) {
        continue;
      }
      best.check(bootstrap, destination, entry.key(), entry.watermark().sequence(), entry.source());
    }
    if (best.peer != null && !best.peer.isLocal() && best.peer.announcement != null) { // step 7
      for (Peer peer : peers) {
        SwitchAnnouncement ann = peer.announcement;
        if (ann == null || !peer.key.equals(best.key)) {
          continue;
        }
        SwitchAnnouncement bestAnn = best.peer.announcement;
        if (peer.type.ordinal() < best.peer.type.ordinal()
            || (peer.type == best.peer.type && bestAnn != null && ann.root().equals(bestAnn.root())
                && peer.announcementOrder < best.peer.announcementOrder)) {
          best.take(best.key, best.sequence, peer);
        }
      }
    }
    return new NextHop(best.peer, new Watermark(best.key, best.sequence)); // step 8
  }

  /** Go's {@code _handleBootstrap} (5.6): install the route and maybe the descending neighbour; false to drop. */
  boolean handleBootstrap(Peer from, Peer to, Frame.Bootstrap frame) {
    RootedMessage message;
    try {
      message = RootedMessage.decode(frame.payload());
    } catch (BadPeerException malformed) {
      return false; // Go drops bad bootstraps silently and keeps the link (2.5)
    }
    if (!message.verifiedBy(frame.destination())) {
      return false;
    }
    Root root = state.tree.rootAnnouncement().root();
    if (!root.equals(message.root())) {
      return false;
    }
    PublicKey origin = frame.destination();
    SnekEntry existing = table.get(origin);
    if (existing != null && existing.root().equals(message.root())
        && Long.compareUnsigned(message.sequence(), existing.watermark().sequence()) <= 0) {
      return false; // replay or loop
    }
    if (existing == null && table.size() >= RouterState.SOFT_TABLE_LIMIT) {
      table.values().removeIf(e -> !e.valid(state.now));
      if (table.size() >= RouterState.SOFT_TABLE_LIMIT) {
        return false; // bounded memory under a flood of originators
      }
    }
    SnekEntry entry = new SnekEntry(origin, from, to == null || to.isLocal() ? null : to,
        new Watermark(origin, message.sequence()), state.now, message.root());
    table.put(origin, entry);
    if (origin.lessThan(state.self)) {
      boolean update;
      if (descending != null && descending.valid(state.now)) {
        update = descending.key().equals(origin) || PublicKey.dhtOrdered(descending.key(), origin, state.self);
      } else {
        update = true;
      }
      if (update) {
        setDescending(entry);
      }
    }
    return true;
  }

  /** The running best candidate of {@link #nextHop}. */
  private static final class Best {
    PublicKey key;
    long sequence;
    Peer peer;

    Best(PublicKey key, Peer peer) {
      this.key = key;
      this.peer = peer;
    }

    void take(PublicKey k, long seq, Peer p) {
      key = k;
      sequence = seq;
      peer = p;
    }

    void check(boolean bootstrap, PublicKey destination, PublicKey candidate, long seq, Peer p) {
      if ((!bootstrap && candidate.equals(destination) && !key.equals(destination))
          || PublicKey.dhtOrdered(destination, candidate, key)) {
        take(candidate, seq, p);
      }
    }
  }
}
