package dev.larch.server.idle;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A full collection that leaves the heap about as small as what is live, then lets it grow freely again.
 *
 * <p>How much free heap a collection keeps is {@code MinHeapFreeRatio}/{@code MaxHeapFreeRatio}. Kept tight all the
 * time (10/20), the serial collector's old generation was always nearly full under load and a burst of 13,000 sends
 * paid for ~100 full collections; left at the JDK's 40/70, an idle node keeps most of its peak heap. Both flags are
 * manageable, so this tightens them for the one collection it runs when idle and puts back what was set before.
 */
public final class HeapCompaction implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(HeapCompaction.class);
  private static final String MIN = "MinHeapFreeRatio";
  private static final String MAX = "MaxHeapFreeRatio";
  private static final String TIGHT_MIN = "1";
  private static final String TIGHT_MAX = "3";

  @Override
  public void run() {
    Runtime runtime = Runtime.getRuntime();
    long before = runtime.totalMemory();
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    String min = null;
    String max = null;
    try {
      min = vm.getVMOption(MIN).getValue();
      max = vm.getVMOption(MAX).getValue();
      // Min must stay <= Max at every step, or the VM refuses the change.
      vm.setVMOption(MIN, TIGHT_MIN);
      vm.setVMOption(MAX, TIGHT_MAX);
    } catch (RuntimeException e) {
      log.debug("idle: heap free ratios not adjustable, collecting as configured: {}", e.toString());
      min = null;
    }
    try {
      System.gc();
    } finally {
      if (min != null) {
        restore(vm, min, max);
      }
    }
    log.debug("idle: collected heap_committed_before={} heap_committed_after={} heap_used={}", before,
        runtime.totalMemory(), runtime.totalMemory() - runtime.freeMemory());
  }

  private static void restore(HotSpotDiagnosticMXBean vm, String min, String max) {
    try {
      vm.setVMOption(MAX, max);
      vm.setVMOption(MIN, min);
    } catch (RuntimeException e) {
      log.warn("idle: could not restore heap free ratios min={} max={}: {}", min, max, e.toString());
    }
  }
}
