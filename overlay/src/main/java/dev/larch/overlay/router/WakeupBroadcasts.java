package dev.larch.overlay.router;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.wire.Coordinates;
import dev.larch.overlay.wire.Frame;
import dev.larch.overlay.wire.RootedMessage;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Wakeup broadcasts: sent every 60 s and to each new peer after its first announcement, accepted at most every 30 s
 * per source, flooded within 5 hops (classic flooding for the first hops, then along the tree only).
 *
 * <p>Protocol doc 7.1-7.3 (Go's {@code router/state_broadcast.go}, {@code _flood}). Part of {@link RouterState}.
 */
final class WakeupBroadcasts {
  static final long INTERVAL_MS = 60_000;
  static final long FILTER_MS = INTERVAL_MS / 2;
  static final long EXPIRY_MS = INTERVAL_MS * 3;

  private record Seen(long sequence, long lastSeen) {}

  private final RouterState state;
  private final Map<PublicKey, Seen> seen = new HashMap<>();
  private long nextSend;
  private long lastSequence;

  WakeupBroadcasts(RouterState state, long firstSend) {
    this.state = state;
    this.nextSend = firstSend;
  }

  void reset() {
    seen.clear();
  }

  void tick() {
    if (state.now >= nextSend) {
      nextSend = state.now + INTERVAL_MS;
      seen.values().removeIf(s -> state.now - s.lastSeen() >= EXPIRY_MS);
      flood(state.local, create(), false);
    }
  }

  /** A fresh broadcast frame from us: hop limit 5, our current root, sequence = Unix ms (strictly increasing). */
  Frame.WakeupBroadcast create() {
    long sequence = Math.max(state.now, lastSequence + 1);
    lastSequence = sequence;
    RootedMessage message = RootedMessage.sign(state.key, sequence, state.tree.rootAnnouncement().root());
    return new Frame.WakeupBroadcast(Frame.BROADCAST_HOP_LIMIT, state.self, message.encode());
  }

  /** Go's {@code _handleBroadcast}; a malformed or forged broadcast drops the peering (verified live, 7.3). */
  void handle(Peer from, Frame.WakeupBroadcast frame) {
    RootedMessage message = RootedMessage.decode(frame.payload());
    if (!message.verifiedBy(frame.source())) {
      throw new BadPeerException("broadcast payload signature invalid");
    }
    if (!message.root().key().equals(state.tree.rootAnnouncement().root().key())) {
      return;
    }
    Seen existing = seen.get(frame.source());
    if (existing != null && (state.now - existing.lastSeen() < FILTER_MS
        || Long.compareUnsigned(message.sequence(), existing.sequence()) <= 0)) {
      return;
    }
    if (existing == null && seen.size() >= RouterState.SOFT_TABLE_LIMIT) {
      seen.values().removeIf(s -> state.now - s.lastSeen() >= EXPIRY_MS);
      if (seen.size() >= RouterState.SOFT_TABLE_LIMIT) {
        return;
      }
    }
    seen.put(frame.source(), new Seen(message.sequence(), state.now));
    state.emit(new Action.BroadcastReceived(frame.source()));
    if (frame.hopLimit() <= 1) {
      return;
    }
    int hopLimit = frame.hopLimit() - 1;
    Frame.WakeupBroadcast next = new Frame.WakeupBroadcast(hopLimit, frame.source(), frame.payload());
    flood(from, next, hopLimit < Frame.BROADCAST_HOP_LIMIT - 1);
  }

  /** Go's {@code _flood}: every other peer, one link per key (faster type, then earlier announcement). */
  private void flood(Peer from, Frame.WakeupBroadcast frame, boolean treeOnly) {
    Coordinates ours = state.tree.coords();
    Map<PublicKey, Peer> candidates = new LinkedHashMap<>();
    for (Peer peer : state.peers()) {
      if (peer == from) {
        continue;
      }
      if (treeOnly && (peer.announcement == null || peer.announcement.peerCoords().distanceTo(ours) != 1)) {
        continue; // only parent and children once past the first hops
      }
      Peer existing = candidates.get(peer.key);
      if (existing != null) {
        boolean faster = peer.type.ordinal() < existing.type.ordinal();
        boolean earlier = existing.announcement != null && peer.announcement != null
            && peer.announcementOrder < existing.announcementOrder;
        if (!faster && !earlier) {
          continue;
        }
      }
      candidates.put(peer.key, peer);
    }
    for (Peer peer : candidates.values()) {
      state.send(peer, frame);
    }
  }
}
