package dev.larch.overlay.router;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * 50-node line, grid, tree and random topologies converge to full reachability, and converge again after nodes and
 * links are removed and re-added. Prints time to full reachability and mean stretch (first packet over SNEK, and the
 * tree-routed reply), as protocol doc section 13 measures them.
 */
class SimulationTest {
  private static final long REACHABILITY_LIMIT_MS = 30_000;

  @Test
  void line_converges() {
    Simulation sim = new Simulation(1);
    sim.addNodes(50);
    for (int i = 1; i < 50; i++) {
      sim.connect(sim.nodes.get(i - 1), sim.nodes.get(i));
    }
    measure("line", sim, true);
  }

  @Test
  void grid_converges() {
    Simulation sim = new Simulation(2);
    sim.addNodes(50); // 5 x 10
    for (int r = 0; r < 5; r++) {
      for (int c = 0; c < 10; c++) {
        int i = r * 10 + c;
        if (c > 0) {
          sim.connect(sim.nodes.get(i - 1), sim.nodes.get(i));
        }
        if (r > 0) {
          sim.connect(sim.nodes.get(i - 10), sim.nodes.get(i));
        }
      }
    }
    measure("grid", sim, true);
  }

  @Test
  void randomTree_converges() {
    Simulation sim = new Simulation(3);
    sim.addNodes(50);
    for (int i = 1; i < 50; i++) {
      sim.connect(sim.nodes.get(sim.random.nextInt(i)), sim.nodes.get(i));
    }
    measure("tree", sim, true);
  }

  @Test
  void randomGraph_converges() {
    Simulation sim = new Simulation(4);
    sim.addNodes(50);
    for (int i = 1; i < 50; i++) {
      sim.connect(sim.nodes.get(sim.random.nextInt(i)), sim.nodes.get(i));
    }
    for (int k = 0; k < 30; k++) {
      int a = sim.random.nextInt(50);
      int b = sim.random.nextInt(50);
      if (a != b) {
        sim.connect(sim.nodes.get(a), sim.nodes.get(b));
      }
    }
    measure("random", sim, true);
  }

  private static void measure(String name, Simulation sim, boolean churn) {
    long converged = untilReachable(sim);
    report(name, sim, converged);
    if (!churn) {
      return;
    }
    // Remove 5 nodes and 5 links, converge among what is still connected, then put everything back.
    List<Simulation.Node> removed = new ArrayList<>();
    List<Simulation.Link> cut = new ArrayList<>();
    for (int k = 0; k < 5; k++) {
      Simulation.Node n = sim.nodes.get(sim.random.nextInt(sim.nodes.size()));
      if (n.up) {
        removed.add(n);
        saveLinks(n, cut);
        sim.removeNode(n);
      }
    }
    for (int k = 0; k < 5; k++) {
      Simulation.Node n = sim.nodes.get(sim.random.nextInt(sim.nodes.size()));
      if (n.up && !n.links.isEmpty()) {
        Simulation.Link l = new ArrayList<>(n.links.values()).get(sim.random.nextInt(n.links.size()));
        cut.add(l);
        sim.disconnect(l);
      }
    }
    report(name + " after removals", sim, untilReachable(sim));
    for (Simulation.Node n : removed) {
      sim.start(n);
    }
    for (Simulation.Link l : cut) {
      if (l.a.up && l.b.up) {
        sim.connect(l.a, l.b);
      }
    }
    report(name + " after re-adding", sim, untilReachable(sim));
  }

  private static void saveLinks(Simulation.Node n, List<Simulation.Link> cut) {
    cut.addAll(n.links.values());
  }

  /** Virtual ms from now until every connected pair delivers; fails past the limit. */
  private static long untilReachable(Simulation sim) {
    long start = sim.now;
    while (true) {
      Simulation.Round round = sim.probeAll(1_000);
      if (round.complete()) {
        return sim.now - start;
      }
      assertTrue(sim.now - start < REACHABILITY_LIMIT_MS,
          "only " + round.delivered() + "/" + round.pairs() + " pairs reachable after " + (sim.now - start) + " ms; "
              + "failing " + sim.lastFailed.subList(0, Math.min(10, sim.lastFailed.size())));
    }
  }

  private static void report(String name, Simulation sim, long reachableMs) {
    sim.runFor(10_000); // let SNEK settle before measuring stretch
    sim.clearCoordsCaches();
    Simulation.Round first = sim.probeAll(1_000);
    Simulation.Round reply = sim.replies(sim.lastDelivered, 1_000);
    System.out.printf("[sim] %-22s full reachability %5.1f s | stretch first packet (SNEK) %.3f | tree-routed reply "
        + "%.3f | pairs %d, delivered %d + %d%n", name, reachableMs / 1000.0, first.meanStretch(), reply.meanStretch(),
        first.pairs(), first.delivered(), reply.delivered());
    assertTrue(first.complete() && reply.complete(), name + ": probes lost after settling");
    assertTrue(reply.meanStretch() <= 1.5, name + ": tree-routed stretch regressed to " + reply.meanStretch());
  }
}
