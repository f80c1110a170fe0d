package dev.larch.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What a benchmark quotes beside its figures, since the build machine is shared: the CPU this process used (summed
 * over its threads; what the machine's load does not hide) and the load average it ran under.
 */
public final class ProcessLoad {
  private ProcessLoad() {}

  /** CPU time this process has used so far, in ns. */
  public static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** The 1, 5 and 15 minute load averages from /proc/loadavg ("0.52 1.10 1.37"), or "unknown" off Linux. */
  public static String loadAverages() {
    try {
      String[] fields = Files.readString(Path.of("/proc/loadavg")).split(" ");
      return fields[0] + " " + fields[1] + " " + fields[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  /** "load average X on N cores", for a report line. */
  public static String loadAverage() {
    return String.format("load average %.1f on %d cores",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.getRuntime().availableProcessors());
  }
}
