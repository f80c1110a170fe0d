package dev.larch.overlay.router;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.wire.Coordinates;
import dev.larch.overlay.wire.Frame;
import dev.larch.overlay.wire.Root;
import dev.larch.overlay.wire.SignatureHop;
import dev.larch.overlay.wire.SwitchAnnouncement;

/**
 * The spanning tree: root election, announcements re-signed per peer, parent selection, coordinates, tree next hop.
 *
 * <p>Protocol doc 4.1-4.10 (Go's {@code router/state_tree.go}). Part of {@link RouterState}'s single-threaded actor.
 */
final class SpanningTree {
  static final long ANNOUNCEMENT_INTERVAL_MS = 30 * 60_000L;
  static final long ANNOUNCEMENT_TIMEOUT_MS = 45 * 60_000L;
  static final long REPARENT_WAIT_MS = 1_000;

  /** Go's {@code TreeAnnouncementAction} (4.6). */
  enum Decision { DROP, ACCEPT_UPDATE, ACCEPT_NEW_PARENT, SELECT_NEW_PARENT, SELECT_NEW_PARENT_WITH_WAIT, INFORM_PEER }

  private final RouterState state;
  private Peer parent;
  private long sequence;
  private long ordering;
  private boolean waiting;
  private long waitUntil;
  private long nextMaintain;

  SpanningTree(RouterState state) {
    this.state = state;
  }

  Peer parent() {
    return parent;
  }

  /** Go's {@code _start} for the tree: no parent, then maintenance at once (so a fresh root sends sequence 1). */
  void start() {
    parent = null;
    ordering = 0;
    waiting = false;
    maintain();
  }

  void tick() {
    if (waiting && state.now >= waitUntil) {
      waiting = false;
      if (selectNewParent()) {
        state.snek.bootstrapSoon();
      }
    }
    if (state.now >= nextMaintain) {
      maintain();
    }
  }

  /** While root, bump the sequence and announce; every 30 minutes (4.1). */
  private void maintain() {
    nextMaintain = state.now + ANNOUNCEMENT_INTERVAL_MS;
    if (parent == null) {
      sequence++;
      sendAnnouncements();
    }
  }

  /** The parent's last announcement, or our own root announcement when we are root. */
  SwitchAnnouncement rootAnnouncement() {
    if (parent == null || parent.announcement == null) {
      return SwitchAnnouncement.rootOf(state.self, sequence);
    }
    return parent.announcement;
  }

  Coordinates coords() {
    return rootAnnouncement().coords();
  }

  /** {@code announcement} with our entry for {@code peer}, as a frame (Go's {@code forPeer}). */
  Frame announcementFor(SwitchAnnouncement announcement, Peer peer) {
    for (SignatureHop hop : announcement.hops()) {
      if (hop.key().equals(state.self)) {
        throw new IllegalStateException("trying to send announcement with loop"); // our bug, as in Go
      }
    }
    return new Frame.TreeAnnouncement(announcement.signedFor(state.key, peer.port).encode());
  }

  void sendAnnouncements() {
    SwitchAnnouncement announcement = rootAnnouncement();
    for (Peer peer : state.peers()) {
      state.send(peer, announcementFor(announcement, peer));
    }
  }

  private void setParent(Peer peer) {
    Root old = rootAnnouncement().root();
    parent = peer;
    if (!rootAnnouncement().root().key().equals(old.key())) {
      state.coordsCache.clear(); // coordinates under another root mean nothing
    }
  }

  private void becomeRoot() {
    if (parent == null) {
      return;
    }
    setParent(null);
    maintain();
  }

  /** Go's {@code _handleTreeAnnouncement} (4.4-4.6); a bad announcement drops the peering. */
  void handleAnnouncement(Peer from, Frame.TreeAnnouncement frame) {
    SwitchAnnouncement update = SwitchAnnouncement.decode(frame.payload(), SwitchAnnouncement.SignatureVerifier.DIRECT);
    update.sanityCheck(from.key);
    boolean first = from.announcement == null;
    boolean sendBroadcast = first;
    if (!first) {
      if (update.root().key().equals(from.announcement.root().key())
          && Long.compareUnsigned(update.root().sequence(), from.announcement.root().sequence()) < 0) {
        throw new BadPeerException("update replays old sequence number");
      }
    } else {
      for (Peer other : state.peers()) {
        if (other != from && other.announcement != null && other.key.equals(from.key)) {
          sendBroadcast = false; // that node already heard from us over another link
          break;
        }
      }
    }
    SwitchAnnouncement last = rootAnnouncement();
    int rootDelta = update.root().key().compareTo(last.root().key());
    from.announcement = update;
    from.announcementReceivedAt = state.now;
    from.announcementOrder = ++ordering;
    if (!waiting) {
      switch (decide(from == parent, update.isLoopOrChildOf(state.self), rootDelta, update.root().sequence(),
          last.root().sequence())) {
        case ACCEPT_UPDATE -> sendAnnouncements();
        case ACCEPT_NEW_PARENT -> {
          setParent(from);
          sendAnnouncements();
        }
        case SELECT_NEW_PARENT -> {
          if (selectNewParent()) {
            state.snek.bootstrapSoon();
          }
        }
        case SELECT_NEW_PARENT_WITH_WAIT -> {
          waiting = true;
          becomeRoot();
          waitUntil = state.now + REPARENT_WAIT_MS;
        }
        case INFORM_PEER -> {
          if (!first) {
            state.send(from, announcementFor(last, from));
          }
        }
        case DROP -> { }
      }
    }
    if (sendBroadcast) {
      state.send(from, state.broadcasts.create());
    }
  }

  /** Go's {@code determineAnnouncementAction}, the 4.6 table. Sequences are unsigned. */
  static Decision decide(boolean fromParent, boolean loop, int rootDelta, long newSeq, long lastSeq) {
    int seqDelta = Long.compareUnsigned(newSeq, lastSeq);
    if (fromParent) {
      if (loop || rootDelta < 0 || (rootDelta == 0 && seqDelta == 0)) {
        return Decision.SELECT_NEW_PARENT_WITH_WAIT;
      }
      if (rootDelta > 0 || seqDelta > 0) {
        return Decision.ACCEPT_UPDATE;
      }
      return Decision.DROP;
    }
    if (loop) {
      return Decision.DROP;
    }
    if (rootDelta > 0) {
      return Decision.ACCEPT_NEW_PARENT;
    }
    return rootDelta < 0 ? Decision.INFORM_PEER : Decision.SELECT_NEW_PARENT;
  }

  /** Go's {@code _selectNewParent} (4.7): true only when a different peer became parent. */
  boolean selectNewParent() {
    Root best = rootAnnouncement().root();
    if (best.key().compareTo(state.self) < 0) {
      best = new Root(state.self, 0);
    }
    long bestOrder = -1; // unsigned max
    Peer bestPeer = null;
    for (Peer peer : state.peers()) {
      SwitchAnnouncement ann = peer.announcement;
      if (ann == null || state.now - peer.announcementReceivedAt >= ANNOUNCEMENT_TIMEOUT_MS
          || ann.isLoopOrChildOf(state.self)) {
        continue;
      }
      int keyDelta = ann.root().key().compareTo(best.key());
      int seqDelta = Long.compareUnsigned(ann.root().sequence(), best.sequence());
      boolean better = keyDelta > 0
          || (keyDelta == 0 && (seqDelta > 0 || (seqDelta == 0 && Long.compareUnsigned(peer.announcementOrder, bestOrder) < 0)));
      if (better) {
        best = ann.root();
        bestPeer = peer;
        bestOrder = peer.announcementOrder;
      }
    }
    if (bestPeer != null) {
      if (bestPeer != parent) {
        setParent(bestPeer);
        sendAnnouncements();
        return true;
      }
      return false;
    }
    becomeRoot();
    return false;
  }

  /**
   * Go's {@code getNextHopTree} (4.10): a peer strictly closer to {@code destination}, on the same root and sequence;
   * ties go to the earlier receive order, as the docs intend. Null when none is closer.
   */
  Peer nextHop(Peer from, Coordinates destination) {
    Coordinates ours = coords();
    int ourDistance = ours.distanceTo(destination);
    if (ourDistance == 0) {
      return state.local;
    }
    Root ourRoot = rootAnnouncement().root();
    Peer best = null;
    int bestDistance = ourDistance;
    for (Peer peer : state.peers()) {
      SwitchAnnouncement ann = peer.announcement;
      if (ann == null || peer == from || !ann.root().equals(ourRoot)) {
        continue;
      }
      int d = ann.peerCoords().distanceTo(destination);
      if (d < bestDistance || (d == bestDistance && best != null && peer.announcementOrder < best.announcementOrder)) {
        best = peer;
        bestDistance = d;
      }
    }
    return best;
  }
}
