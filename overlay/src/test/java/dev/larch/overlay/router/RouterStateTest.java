package dev.larch.overlay.router;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.larch.overlay.Vectors;
import dev.larch.overlay.identity.NodeKey;
import dev.larch.overlay.wire.Coordinates;
import dev.larch.overlay.wire.Frame;
import dev.larch.overlay.wire.FrameCodec;
import dev.larch.overlay.wire.Root;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RouterStateTest {
  private static final long T = Simulation.T0;
  private static final NodeKey A = Vectors.key("A");
  private static final NodeKey B = Vectors.key("B");
  private static final NodeKey C = Vectors.key("C");

  @Test
  void addPeer_givesPort1_andSendsTheSameFirstAnnouncementAsTheLiveGoNode() {
    RouterState c = new RouterState(C, new Random(1), true, T);
    RouterState.PeerAdded added = c.addPeer(A.publicKey(), PeerType.REMOTE, "", "", T);
    assertEquals(1, added.port());
    Action.Send first = (Action.Send) added.actions().get(0);
    assertArrayEquals(Vectors.hex("frames.txt", "announce.C.root"), FrameCodec.encode(first.frame()));
    assertEquals(2, c.addPeer(B.publicKey(), PeerType.REMOTE, "", "", T).port());
  }

  @Test
  void keepalives_goOutAfter3sIdle_andASilentPeerIsDroppedAfter5s() {
    RouterState a = new RouterState(A, new Random(1), true, T);
    int port = a.addPeer(B.publicKey(), PeerType.REMOTE, "", "", T).port();
    assertTrue(sends(a.tick(T + 2_900), port).isEmpty());
    List<Frame> at3 = sends(a.tick(T + 3_000), port);
    assertTrue(at3.stream().anyMatch(f -> f instanceof Frame.Keepalive));
    a.onFrame(port, Frame.Keepalive.INSTANCE, T + 4_000);
    assertTrue(a.tick(T + 8_900).stream().noneMatch(x -> x instanceof Action.Disconnect));
    assertTrue(a.tick(T + 9_000).stream().anyMatch(x -> x instanceof Action.Disconnect d && d.port() == port));
  }

  @Test
  void section149_forgedBroadcastDropsThePeering_forgedBootstrapIsIgnored() {
    RouterState a = new RouterState(A, new Random(1), true, T);
    int port = a.addPeer(B.publicKey(), PeerType.REMOTE, "", "", T).port();
    var rejects = Vectors.load("router-rejects.txt");
    assertEquals(2, rejects.size());
    rejects.forEach((label, hex) -> {
      Frame frame = FrameCodec.decode(java.util.HexFormat.of().parseHex(hex));
      List<Action> actions = a.onFrame(port, frame, T + 10);
      boolean dropped = actions.stream().anyMatch(x -> x instanceof Action.Disconnect);
      assertEquals(label.endsWith("| drop"), dropped, label);
    });
  }

  @Test
  void twoRouters_agreeOnTheStrongerRoot_andExchangeTrafficBothWays() {
    Simulation sim = new Simulation(7);
    Simulation.Node na = sim.new Node(0, A);
    Simulation.Node nc = sim.new Node(1, C);
    sim.nodes.add(na);
    sim.nodes.add(nc);
    sim.start(na);
    sim.start(nc);
    sim.connect(na, nc);
    sim.runFor(2_000);
    assertEquals(new Root(C.publicKey(), 1), na.router.root());
    assertEquals(Coordinates.of(1), na.router.coords());
    assertEquals(Coordinates.ROOT, nc.router.coords());
    Simulation.Round round = sim.probeAll(500);
    assertTrue(round.complete(), round.toString());
  }

  @Test
  void decide_matchesTheSection46Table() {
    assertEquals(SpanningTree.Decision.SELECT_NEW_PARENT_WITH_WAIT, SpanningTree.decide(true, true, 1, 2, 1));
    assertEquals(SpanningTree.Decision.SELECT_NEW_PARENT_WITH_WAIT, SpanningTree.decide(true, false, -1, 2, 1));
    assertEquals(SpanningTree.Decision.SELECT_NEW_PARENT_WITH_WAIT, SpanningTree.decide(true, false, 0, 5, 5));
    assertEquals(SpanningTree.Decision.ACCEPT_UPDATE, SpanningTree.decide(true, false, 1, 1, 9));
    assertEquals(SpanningTree.Decision.ACCEPT_UPDATE, SpanningTree.decide(true, false, 0, 6, 5));
    assertEquals(SpanningTree.Decision.DROP, SpanningTree.decide(true, false, 0, 4, 5));
    assertEquals(SpanningTree.Decision.DROP, SpanningTree.decide(false, true, 1, 1, 1));
    assertEquals(SpanningTree.Decision.ACCEPT_NEW_PARENT, SpanningTree.decide(false, false, 1, 1, 1));
    assertEquals(SpanningTree.Decision.INFORM_PEER, SpanningTree.decide(false, false, -1, 1, 1));
    assertEquals(SpanningTree.Decision.SELECT_NEW_PARENT, SpanningTree.decide(false, false, 0, 3, 9));
  }

  @Test
  void send_refusesPayloadsOver1200Bytes() {
    RouterState a = new RouterState(A, new Random(1), true, T);
    assertThrows(IllegalArgumentException.class, () -> a.send(B.publicKey(), new byte[1201], T));
  }

  @Test
  void tamperedAnnouncement_dropsThePeering_andTheRouterKeepsWorking() {
    RouterState a = new RouterState(A, new Random(1), true, T);
    int port = a.addPeer(C.publicKey(), PeerType.REMOTE, "", "", T).port();
    byte[] bytes = Vectors.hex("frames.txt", "announce.C.root");
    bytes[60] ^= 1;
    List<Action> actions = a.onFrame(port, FrameCodec.decode(bytes), T + 1);
    assertInstanceOf(Action.Disconnect.class, actions.get(0));
    assertEquals(1, a.addPeer(C.publicKey(), PeerType.REMOTE, "", "", T + 2).port()); // the port is free again
  }

  private static List<Frame> sends(List<Action> actions, int port) {
    List<Frame> frames = new ArrayList<>();
    for (Action x : actions) {
      if (x instanceof Action.Send s && s.port() == port) {
        frames.add(s.frame());
      }
    }
    return frames;
  }
}
