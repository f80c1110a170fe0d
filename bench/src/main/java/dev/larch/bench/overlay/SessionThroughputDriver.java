package dev.larch.bench.overlay;

import dev.larch.bench.ProcessLoad;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The workloads of {@link SessionThroughputBench}, run for a shared 2-core machine: each round runs every case for a
 * few seconds back to back (loopback, then overlay, one stream, then 16), so a ratio compares figures taken under the
 * same load, and besides MiB/s it reports the CPU the whole JVM, and its event loops alone, spent per MiB, which other
 * processes disturb far less than wall time (a ratio row compares CPU as loopback's cost over the overlay's). Prints
 * mean ± standard deviation over the rounds and the load average before and after.
 *
 * <pre>java -cp "bench/target/larch-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" \
 *   dev.larch.bench.overlay.SessionThroughputDriver [--rounds 5] [--seconds 3] [--warmup 2] [--cases all|overlay]</pre>
 */
public final class SessionThroughputDriver {
  private static final int BODY = 1 << 20;
  private static final int STREAMS = 16;

  private record Case(String name, boolean overlay, int streams) {}

  public static void main(String[] args) throws Exception {
    int rounds = 5;
    double seconds = 3;
    int warmup = 2;
    String cases = "all";
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        case "--seconds" -> seconds = Double.parseDouble(args[i + 1]);
        case "--warmup" -> warmup = Integer.parseInt(args[i + 1]);
        case "--cases" -> cases = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    List<Case> all = new ArrayList<>();
    boolean withLoopback = !cases.equals("overlay");
    if (withLoopback) {
      all.add(new Case("loopback 1", false, 1));
    }
    all.add(new Case("overlay 1", true, 1));
    if (withLoopback) {
      all.add(new Case("loopback 16", false, STREAMS));
    }
    all.add(new Case("overlay 16", true, STREAMS));

    String loadBefore = ProcessLoad.loadAverages();
    Map<String, List<double[]>> results = new LinkedHashMap<>(); // case -> per round {MiB/s, CPU ms per MiB}
    try (OverlayPair pair = new OverlayPair(BODY, STREAMS)) {
      for (int round = -warmup; round < rounds; round++) {
        for (Case c : all) {
          double[] r = run(pair, c, seconds);
          if (round >= 0) {
            results.computeIfAbsent(c.name, k -> new ArrayList<>()).add(r);
          }
          System.err.printf(Locale.ROOT, "%s round %d %-12s %8.1f MiB/s %7.2f CPU ms/MiB %7.2f loop ms/MiB%n",
              round < 0 ? "warmup" : "", round, c.name, r[0], r[1], r[2]);
        }
      }
    }
    String loadAfter = ProcessLoad.loadAverages();
    System.out.printf(Locale.ROOT, "%-12s %16s %16s %16s%n", "case", "MiB/s", "CPU ms/MiB", "loop ms/MiB");
    for (Map.Entry<String, List<double[]>> e : results.entrySet()) {
      System.out.printf(Locale.ROOT, "%-12s %16s %16s %16s%n", e.getKey(), stat(e.getValue(), 0),
          stat(e.getValue(), 1), stat(e.getValue(), 2));
    }
    if (withLoopback) {
      for (String n : List.of("1", "16")) {
        List<double[]> overlay = results.get("overlay " + n);
        List<double[]> loopback = results.get("loopback " + n);
        List<double[]> ratio = new ArrayList<>();
        for (int i = 0; i < overlay.size(); i++) { // per round: both taken seconds apart
          ratio.add(new double[] {100 * overlay.get(i)[0] / loopback.get(i)[0],
              100 * loopback.get(i)[1] / overlay.get(i)[1], 100 * loopback.get(i)[2] / overlay.get(i)[2]});
        }
        System.out.printf(Locale.ROOT, "%-12s %16s %16s %16s%n", "ratio " + n + " %", stat(ratio, 0), stat(ratio, 1),
            stat(ratio, 2));
      }
    }
    System.out.printf("load average before: %s; after: %s; %d rounds of %.1f s per case, %d warm-up rounds%n",
        loadBefore, loadAfter, rounds, seconds, warmup);
  }

  /**
   * Runs one case for about {@code seconds}: returns {MiB/s, CPU ms of the whole JVM per MiB, CPU ms of the Vert.x
   * event loops per MiB}. The last leaves out the JIT compiler and GC threads, whose share varies most under load.
   */
  private static double[] run(OverlayPair pair, Case c, double seconds) throws Exception {
    long cpu0 = ProcessLoad.cpuNanos();
    long loops0 = eventLoopCpu();
    long t0 = System.nanoTime();
    long deadline = t0 + (long) (seconds * 1e9);
    long bytes = 0;
    while (System.nanoTime() < deadline) {
      bytes += pair.getAll(c.overlay, c.streams);
    }
    long wall = System.nanoTime() - t0;
    long cpu = ProcessLoad.cpuNanos() - cpu0;
    long loops = eventLoopCpu() - loops0;
    double mib = bytes / (double) (1 << 20);
    return new double[] {mib / (wall / 1e9), cpu / 1e6 / mib, loops / 1e6 / mib};
  }

  /** CPU ns used so far by the Vert.x event-loop threads (where both nodes, quiche and loopback HTTP run). */
  private static long eventLoopCpu() {
    java.lang.management.ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (java.lang.management.ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith("vert.x-eventloop")) {
        sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return sum;
  }

  private static String stat(List<double[]> rows, int column) {
    double sum = 0;
    for (double[] r : rows) {
      sum += r[column];
    }
    double mean = sum / rows.size();
    double squares = 0;
    for (double[] r : rows) {
      squares += (r[column] - mean) * (r[column] - mean);
    }
    double sd = rows.size() > 1 ? Math.sqrt(squares / (rows.size() - 1)) : 0;
    return String.format(Locale.ROOT, "%.1f ± %.1f", mean, sd);
  }
}
