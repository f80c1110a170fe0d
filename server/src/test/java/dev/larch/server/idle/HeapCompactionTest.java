package dev.larch.server.idle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import org.junit.jupiter.api.Test;

class HeapCompactionTest {
  private static String option(String name) {
    return ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
  }

  @Test
  void collects_and_puts_the_free_ratios_back() {
    HotSpotDiagnosticMXBean vm = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
    String min = option("MinHeapFreeRatio");
    String max = option("MaxHeapFreeRatio");
    try {
      vm.setVMOption("MaxHeapFreeRatio", "65");
      vm.setVMOption("MinHeapFreeRatio", "35");
      long collectionsBefore = collections();
      new HeapCompaction().run();
      assertEquals("35", option("MinHeapFreeRatio"));
      assertEquals("65", option("MaxHeapFreeRatio"));
      assertTrue(collections() > collectionsBefore, "a collection ran");
    } finally {
      vm.setVMOption("MaxHeapFreeRatio", max);
      vm.setVMOption("MinHeapFreeRatio", min);
    }
  }

  private static long collections() {
    return ManagementFactory.getGarbageCollectorMXBeans().stream()
        .mapToLong(gc -> Math.max(0, gc.getCollectionCount())).sum();
  }
}
