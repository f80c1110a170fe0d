package dev.larch.overlay.router;

import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.identity.PublicKey;
import dev.larch.overlay.wire.Frame;
import dev.larch.overlay.wire.FrameCodec;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Random;

/**
 * A deterministic in-process network of {@link RouterState}s: virtual links with fixed per-link latency, virtual
 * time, a seeded {@link Random}. Every frame is encoded and decoded on each hop, so the codecs are exercised too.
 *
 * <p>Probes are traffic payloads with an 8-byte id; the harness counts the links each probe crosses, which gives path
 * stretch against BFS shortest paths (as Go's {@code pineconesim} does, but counting links, not forwarding steps).
 */
final class Simulation {
  static final long T0 = 1_700_000_000_000L;
  private static final long TICK_MS = 250;

  final Random random;
  final List<Node> nodes = new ArrayList<>();
  private final PriorityQueue<Event> events = new PriorityQueue<>();
  private long sequence;
  long now = T0;
  private final Map<Long, Probe> probes = new HashMap<>();
  private long nextProbeId;

  Simulation(long seed) {
    this.random = new Random(seed);
  }

  /** One simulated node; {@code router} is replaced when the node is removed and re-added. */
  final class Node {
    final int index;
    final NodeKey key;
    RouterState router;
    boolean up;
    final Map<Integer, Link> links = new HashMap<>();

    Node(int index, NodeKey key) {
      this.index = index;
      this.key = key;
    }
  }

  /** A virtual link; each direction is FIFO because latency is fixed per link. */
  final class Link {
    final Node a;
    final Node b;
    int portA;
    int portB;
    final long latency;
    boolean up = true;

    Link(Node a, Node b, long latency) {
      this.a = a;
      this.b = b;
      this.latency = latency;
    }

    Node other(Node n) {
      return n == a ? b : a;
    }

    int portOf(Node n) {
      return n == a ? portA : portB;
    }
  }

  private record Event(long time, long seq, Runnable action) implements Comparable<Event> {
    @Override
    public int compareTo(Event o) {
      return time != o.time ? Long.compare(time, o.time) : Long.compare(seq, o.seq);
    }
  }

  record Probe(Node from, Node to, int shortest, int[] hops, Node[] deliveredAt) {}

  void addNodes(int n) {
    for (int i = 0; i < n; i++) {
      Node node = new Node(nodes.size(), NodeKey.deterministic(random));
      nodes.add(node);
      start(node);
    }
  }

  void start(Node node) {
    node.router = new RouterState(node.key, new Random(random.nextLong()), false, now);
    node.up = true;
    long phase = random.nextInt((int) TICK_MS);
    RouterState router = node.router;
    schedule(now + phase, () -> tick(node, router));
  }

  private void tick(Node node, RouterState router) {
    if (!node.up || node.router != router) {
      return; // this incarnation is gone
    }
    run(node, router.tick(now));
    schedule(now + TICK_MS, () -> tick(node, router));
  }

  Link connect(Node a, Node b) {
    Link link = new Link(a, b, 1 + random.nextInt(5));
    RouterState.PeerAdded addedA = a.router.addPeer(b.key.publicKey(), PeerType.PIPE, "", "", now);
    RouterState.PeerAdded addedB = b.router.addPeer(a.key.publicKey(), PeerType.PIPE, "", "", now);
    link.portA = addedA.port();
    link.portB = addedB.port();
    a.links.put(link.portA, link);
    b.links.put(link.portB, link);
    run(a, addedA.actions());
    run(b, addedB.actions());
    return link;
  }

  void disconnect(Link link) {
    if (!link.up) {
      return;
    }
    link.up = false;
    link.a.links.remove(link.portA);
    link.b.links.remove(link.portB);
    if (link.a.up) {
      run(link.a, link.a.router.removePeer(link.portA, now));
    }
    if (link.b.up) {
      run(link.b, link.b.router.removePeer(link.portB, now));
    }
  }

  void removeNode(Node node) {
    for (Link link : new ArrayList<>(node.links.values())) {
      disconnect(link);
    }
    node.up = false;
  }

  private void run(Node node, List<Action> actions) {
    for (Action action : actions) {
      if (action instanceof Action.Send s) {
        Link link = node.links.get(s.port());
        if (link == null || !link.up) {
          continue;
        }
        byte[] bytes = FrameCodec.encode(s.frame());
        if (s.frame() instanceof Frame.Traffic t && t.payload().length == 8) {
          Probe p = probes.get(ByteBuffer.wrap(t.payload()).getLong());
          if (p != null) {
            p.hops()[0]++;
          }
        }
        Node to = link.other(node);
        schedule(now + link.latency, () -> {
          if (link.up && to.up) {
            run(to, to.router.onFrame(link.portOf(to), FrameCodec.decode(bytes), now));
          }
        });
      } else if (action instanceof Action.Disconnect d) {
        throw new AssertionError("node " + node.index + " dropped port " + d.port() + ": " + d.reason());
      } else if (action instanceof Action.Deliver d && d.payload().length == 8) {
        Probe p = probes.get(ByteBuffer.wrap(d.payload()).getLong());
        if (p != null && d.destination().equals(node.key.publicKey()) && p.deliveredAt()[0] == null) {
          p.deliveredAt()[0] = node;
        }
      }
    }
  }

  private void schedule(long time, Runnable action) {
    events.add(new Event(time, sequence++, action));
  }

  void runFor(long millis) {
    long end = now + millis;
    while (!events.isEmpty() && events.peek().time() <= end) {
      Event e = events.poll();
      now = e.time();
      e.action().run();
    }
    now = end;
  }

  /** BFS hop counts from {@code from} over up links. */
  int[] distances(Node from) {
    int[] dist = new int[nodes.size()];
    Arrays.fill(dist, -1);
    ArrayDeque<Node> queue = new ArrayDeque<>();
    dist[from.index] = 0;
    queue.add(from);
    while (!queue.isEmpty()) {
      Node n = queue.poll();
      for (Link l : n.links.values()) {
        Node o = l.other(n);
        if (l.up && o.up && dist[o.index] < 0) {
          dist[o.index] = dist[n.index] + 1;
          queue.add(o);
        }
      }
    }
    return dist;
  }

  Probe probe(Node from, Node to, int shortest) {
    long id = nextProbeId++;
    Probe p = new Probe(from, to, shortest, new int[1], new Node[1]);
    probes.put(id, p);
    run(from, from.router.send(to.key.publicKey(), ByteBuffer.allocate(8).putLong(id).array(), now));
    return p;
  }

  /** Result of probing every connected ordered pair once. */
  record Round(int pairs, int delivered, double meanStretch) {
    boolean complete() {
      return delivered == pairs;
    }
  }

  /** Probes every connected ordered pair, waits {@code settleMs}, and measures delivery and stretch. */
  Round probeAll(long settleMs) {
    List<Probe> round = new ArrayList<>();
    for (Node from : nodes) {
      if (!from.up) {
        continue;
      }
      int[] dist = distances(from);
      for (Node to : nodes) {
        if (to != from && to.up && dist[to.index] > 0) {
          round.add(probe(from, to, dist[to.index]));
        }
      }
    }
    runFor(settleMs);
    return summarise(round);
  }

  /** Each delivered probe of {@code round} is answered from its receiver: the tree-routed reply of protocol doc 13. */
  Round replies(List<Probe> delivered, long settleMs) {
    List<Probe> round = new ArrayList<>();
    for (Probe p : delivered) {
      round.add(probe(p.to(), p.from(), p.shortest()));
    }
    runFor(settleMs);
    return summarise(round);
  }

  List<Probe> lastDelivered = List.of();
  List<String> lastFailed = List.of();

  private Round summarise(List<Probe> round) {
    int delivered = 0;
    double stretch = 0;
    List<Probe> ok = new ArrayList<>();
    lastFailed = new ArrayList<>();
    for (Probe p : round) {
      if (p.deliveredAt()[0] != p.to()) {
        lastFailed.add(p.from().index + "->" + p.to().index + " (" + p.hops()[0] + " hops, shortest " + p.shortest()
            + ")");
      }
      if (p.deliveredAt()[0] == p.to()) {
        delivered++;
        stretch += (double) p.hops()[0] / p.shortest();
        ok.add(p);
      }
    }
    probes.clear();
    lastDelivered = ok;
    return new Round(round.size(), delivered, delivered == 0 ? 0 : stretch / delivered);
  }

  void clearCoordsCaches() {
    for (Node n : nodes) {
      if (n.up) {
        n.router.clearCoordsCache();
      }
    }
  }

  PublicKey rootOf(Node n) {
    return n.router.root().key();
  }
}
