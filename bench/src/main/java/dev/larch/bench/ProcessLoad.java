package dev.larch.bench;

import java.lang.management.ManagementFactory;

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

  /** "load average X on N cores", for a report line. */
  public static String loadAverage() {
    return String.format("load average %.1f on %d cores",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), Runtime.getRuntime().availableProcessors());
  }
}
