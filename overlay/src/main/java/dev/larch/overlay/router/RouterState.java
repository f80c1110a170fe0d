package dev.larch.overlay.router;

import dev.larch.overlay.BadPeerException;
import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.wire.Coordinates;
import dev.larch.overlay.wire.Frame;
import dev.larch.overlay.wire.Root;
import dev.larch.overlay.wire.SwitchAnnouncement;
import dev.larch.overlay.wire.Watermark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * The whole Pinecone router as a pure state machine: peers come and go, frames and clock ticks go in, {@link Action}s
 * come out. Single-threaded: exactly one thread (the node's Vert.x context, or the simulator) may call it.
 *
 * <p>Implementation notes. This class mirrors Go's {@code state} actor (protocol doc 4 and 5, {@code router/state*.go}):
 * it owns the switch ports, the frame dispatch ({@code _forward}), keepalive timers and the datagram API. The spanning
 * tree lives in {@link SpanningTree}, SNEK in {@link VirtualSnake}, broadcasts in {@link WakeupBroadcasts}; they all
 * share this object's ports and outbox. Time is the {@code now} argument (ms, Unix epoch in production), so tests and
 * the simulator run on virtual time. The seeded {@link Random} only spreads the first maintenance ticks of nodes that
 * start together, as real start times do.
 */
public final class RouterState {
  /** Go's {@code portCount}: ports 0..253, 0 being the local router. */
  public static final int PORT_COUNT = 254;
  /** Largest traffic payload we originate: safe for every Go/quic-go version (protocol doc 6.3). */
  public static final int MAX_ORIGINATED_PAYLOAD = 1200;
  /** Largest traffic payload we forward: more would crash a Go node running sessions (protocol doc 6.3, 11.3). */
  public static final int MAX_FORWARDED_PAYLOAD = 1452;
  static final long KEEPALIVE_INTERVAL_MS = 3_000;
  static final long KEEPALIVE_TIMEOUT_MS = 5_000;
  static final long COORDS_CACHE_LIFETIME_MS = 60_000;
  static final int SOFT_TABLE_LIMIT = 4_096;

  final NodeKey key;
  final PublicKey self;
  final Peer local;
  private final boolean hopLimiting;
  final Peer[] ports = new Peer[PORT_COUNT];
  final SpanningTree tree;
  final VirtualSnake snek;
  final WakeupBroadcasts broadcasts;
  final Map<PublicKey, CachedCoords> coordsCache = new HashMap<>();
  private long nextCoordsCacheClean;
  private Coordinates lastCoords = Coordinates.ROOT;
  private List<Action> out = new ArrayList<>();
  /** {@link #peers()} as last built; null once a port changes. Every forwarded frame asks for it (profiled ~9 %). */
  private List<Peer> startedPeers;
  long now;

  /**
   * A router that starts at {@code now}. {@code hopLimiting} makes every forwarder drop traffic whose hop limit is
   * spent, as Dendrite enables; {@code cmd/pinecone} and Go's simulator leave it off (protocol doc 8.2 item 11).
   */
  public RouterState(NodeKey key, Random random, boolean hopLimiting, long now) {
    this.key = key;
    this.self = key.publicKey();
    this.local = new Peer(0, self, PeerType.PIPE, "", "", now);
    this.hopLimiting = hopLimiting;
    this.now = now;
    this.tree = new SpanningTree(this);
    this.snek = new VirtualSnake(this, now + random.nextInt(1000));
    this.broadcasts = new WakeupBroadcasts(this, now + WakeupBroadcasts.INTERVAL_MS + random.nextInt(1000));
    this.nextCoordsCacheClean = now + COORDS_CACHE_LIFETIME_MS;
    tree.start();
    drain(); // nothing to send yet: no peers
  }

  public PublicKey publicKey() {
    return self;
  }

  /** Our tree coordinates; empty when we are root. */
  public Coordinates coords() {
    return tree.coords();
  }

  /** The root we follow (ourselves when root). */
  public Root root() {
    return tree.rootAnnouncement().root();
  }

  /** The result of {@link #addPeer}: the switch port (or -1 when all 253 are taken) and what to send. */
  public record PeerAdded(int port, List<Action> actions) {}

  /** A peering finished its handshake: give it the lowest free port and queue our announcement for it (2.2). */
  public PeerAdded addPeer(PublicKey peerKey, PeerType type, String zone, String uri, long now) {
    this.now = now;
    for (int i = 1; i < PORT_COUNT; i++) {
      if (ports[i] == null) {
        Peer peer = new Peer(i, peerKey, type, zone == null ? "" : zone, uri == null ? "" : uri, now);
        ports[i] = peer;
        startedPeers = null;
        send(peer, tree.announcementFor(tree.rootAnnouncement(), peer));
        return new PeerAdded(i, drain());
      }
    }
    return new PeerAdded(-1, List.of());
  }

  /** The peering at {@code port} closed for any reason; forget everything learned through it (4.9). */
  public List<Action> removePeer(int port, long now) {
    this.now = now;
    Peer peer = port > 0 && port < PORT_COUNT ? ports[port] : null;
    if (peer != null) {
      portDisconnected(peer);
    }
    return drain();
  }

  /** A decoded frame arrived on {@code port}. A protocol violation comes back as a {@link Action.Disconnect}. */
  public List<Action> onFrame(int port, Frame frame, long now) {
    this.now = now;
    Peer from = port > 0 && port < PORT_COUNT ? ports[port] : null;
    if (from == null) {
      return List.of(); // raced with the peer's removal
    }
    from.lastReceived = now;
    try {
      forward(from, frame);
    } catch (BadPeerException e) {
      disconnect(from, e.getMessage());
    }
    return drain();
  }

  /** The stream at {@code port} itself was bad (undecodable bytes): drop it as Go does (2.5). */
  public List<Action> onBadPeer(int port, String reason, long now) {
    this.now = now;
    Peer peer = port > 0 && port < PORT_COUNT ? ports[port] : null;
    if (peer != null) {
      disconnect(peer, reason);
    }
    return drain();
  }

  /** Runs every timer that is due: tree, SNEK, broadcasts, keepalives (2.3). Call at least every 250 ms. */
  public List<Action> tick(long now) {
    this.now = now;
    tree.tick();
    snek.tick();
    broadcasts.tick();
    if (now >= nextCoordsCacheClean) {
      coordsCache.values().removeIf(c -> now - c.lastSeen() >= COORDS_CACHE_LIFETIME_MS);
      nextCoordsCacheClean = now + COORDS_CACHE_LIFETIME_MS;
    }
    for (Peer peer : ports) {
      if (peer == null) {
        continue;
      }
      if (now - peer.lastReceived >= KEEPALIVE_TIMEOUT_MS) {
        disconnect(peer, "no frame for " + KEEPALIVE_TIMEOUT_MS + " ms");
      } else if (now - peer.lastSent >= KEEPALIVE_INTERVAL_MS) {
        send(peer, Frame.Keepalive.INSTANCE);
      }
    }
    return drain();
  }

  /**
   * Sends one datagram to {@code destination}, as Go's {@code WriteTo}: hop limit 10, cached coordinates when fresh
   * (tree routing), else SNEK from (FullMask, 0); source coordinates always ours (6.1).
   */
  public List<Action> send(PublicKey destination, byte[] payload, long now) {
    this.now = now;
    if (payload.length > MAX_ORIGINATED_PAYLOAD) {
      throw new IllegalArgumentException("payload of " + payload.length + " bytes exceeds " + MAX_ORIGINATED_PAYLOAD);
    }
    CachedCoords cached = coordsCache.get(destination);
    Coordinates dest = cached != null && now - cached.lastSeen() < COORDS_CACHE_LIFETIME_MS
        ? cached.coords() : Coordinates.ROOT;
    forward(local, new Frame.Traffic(Frame.MAX_HOP_LIMIT, dest, coords(), destination, self, Watermark.NONE,
        payload.clone()));
    return drain();
  }

  /** Go's {@code _forward}: dispatch one frame from {@code from} (the local peer for our own traffic). */
  private void forward(Peer from, Frame frame) {
    if (frame instanceof Frame.Traffic t && t.destinationKey().equals(self)) {
      if (!t.source().isEmpty()) {
        cacheCoords(t.sourceKey(), t.source());
      }
      out.add(new Action.Deliver(t.sourceKey(), t.destinationKey(), t.payload()));
      return;
    }
    if (frame instanceof Frame.Traffic t) {
      forwardTraffic(from, t);
    } else if (frame instanceof Frame.Bootstrap b) {
      VirtualSnake.NextHop next = snek.nextHop(true, b.destination(), b.watermark());
      boolean deadEnd = next.peer() == null || next.peer().isLocal();
      if (!snek.handleBootstrap(from, next.peer(), b) || deadEnd) {
        return;
      }
      if (next.peer() == from || next.watermark().worseThan(b.watermark())) {
        return;
      }
      send(next.peer(), b.withWatermark(next.watermark()));
    } else if (frame instanceof Frame.TreeAnnouncement a) {
      tree.handleAnnouncement(from, a);
    } else if (frame instanceof Frame.WakeupBroadcast w) {
      broadcasts.handle(from, w);
    }
    // Keepalives are never forwarded; ignored frames are dropped with the link kept (3.3).
  }

  private void forwardTraffic(Peer from, Frame.Traffic t) {
    Peer next = null;
    Watermark watermark = t.watermark();
    if (!t.destination().isEmpty()) {
      next = tree.nextHop(from, t.destination());
      if (next != null && next.isLocal()) {
        // The coordinates lead here but the key is not ours: they were stale (the cache lives a minute). Go would
        // hand the frame up as a misdelivery; trying SNEK instead is a local choice and invisible on the wire.
        next = null;
      }
    }
    if (next == null) {
      t = t.withDestination(Coordinates.ROOT); // no tree hop: fall back to SNEK
      VirtualSnake.NextHop hop = snek.nextHop(false, t.destinationKey(), t.watermark());
      next = hop.peer();
      watermark = hop.watermark();
    }
    if (hopLimiting) {
      if (t.hopLimit() <= 1) {
        return;
      }
      t = t.withHopLimit(t.hopLimit() - 1);
    }
    if (next == null || next == from || watermark.worseThan(t.watermark())) {
      return;
    }
    t = t.withWatermark(watermark);
    if (next.isLocal()) {
      out.add(new Action.Deliver(t.sourceKey(), t.destinationKey(), t.payload())); // misdelivery: see 5.8
    } else if (t.payload().length <= MAX_FORWARDED_PAYLOAD) {
      send(next, t);
    }
  }

  void cacheCoords(PublicKey source, Coordinates coords) {
    if (coordsCache.size() >= SOFT_TABLE_LIMIT && !coordsCache.containsKey(source)) {
      coordsCache.values().removeIf(c -> now - c.lastSeen() >= COORDS_CACHE_LIFETIME_MS);
      if (coordsCache.size() >= SOFT_TABLE_LIMIT) {
        return; // bounded memory beats a full cache under a flood of sources
      }
    }
    coordsCache.put(source, new CachedCoords(coords, now));
  }

  /** Queue {@code frame} for {@code peer}; the local peer never gets frames written. */
  void send(Peer peer, Frame frame) {
    if (peer == null || peer.isLocal() || !peer.started) {
      return;
    }
    peer.lastSent = now;
    out.add(new Action.Send(peer.port, frame));
  }

  void emit(Action action) {
    out.add(action);
  }

  private void disconnect(Peer peer, String reason) {
    out.add(new Action.Disconnect(peer.port, reason));
    portDisconnected(peer);
  }

  /** Go's {@code _portDisconnected} (4.9). */
  private void portDisconnected(Peer peer) {
    peer.started = false;
    peer.announcement = null;
    ports[peer.port] = null;
    startedPeers = null;
    boolean anyLeft = false;
    for (Peer p : ports) {
      anyLeft |= p != null;
    }
    if (!anyLeft) {
      // A blank slate for the next peering; the root sequence is kept and bumped by the restart.
      snek.reset();
      broadcasts.reset();
      coordsCache.clear();
      tree.start();
      return;
    }
    snek.peerLost(peer);
    if (tree.parent() == peer && tree.selectNewParent()) {
      snek.bootstrapSoon();
    }
  }

  /**
   * Started peers in port order, unmodifiable. Cached: only {@link #addPeer} and {@link #portDisconnected} change
   * {@link #ports} or {@link Peer#started}, and both drop the cache. A caller that disconnects a peer while iterating
   * keeps walking the old snapshot, exactly as it did with a fresh copy per call.
   */
  List<Peer> peers() {
    List<Peer> list = startedPeers;
    if (list == null) {
      List<Peer> fresh = new ArrayList<>();
      for (Peer p : ports) {
        if (p != null && p.started) {
          fresh.add(p);
        }
      }
      list = List.copyOf(fresh);
      startedPeers = list;
    }
    return list;
  }

  private List<Action> drain() {
    Coordinates current = tree.coords();
    if (!current.equals(lastCoords)) {
      // We moved in the tree, so whatever moved us probably moved the nodes we cached too. Go keeps the entries for a
      // minute; when two nodes both hold stale coordinates of each other, neither hears from the other again until
      // expiry. Forgetting them here sends the next packet over SNEK, whose arrival refreshes the far end's cache.
      coordsCache.clear();
      lastCoords = current;
    }
    List<Action> done = out;
    out = new ArrayList<>();
    return done;
  }

  /** A snapshot for the manhole JSON view (protocol doc 12.4). */
  public ManholeView manhole() {
    return ManholeView.of(this);
  }

  /** Drops cached destination coordinates so the next packet is SNEK-routed; for measurements. */
  void clearCoordsCache() {
    coordsCache.clear();
  }

  /** The root announcement we would currently send (for tests). */
  SwitchAnnouncement currentAnnouncement() {
    return tree.rootAnnouncement();
  }

  record CachedCoords(Coordinates coords, long lastSeen) {}
}
