package dev.larch.server.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The shipped {@code conf/larch.yaml} documents exactly the code defaults, and every key has a documented flag. */
class ShippedConfigTest {
  private static final Path SHIPPED = Path.of(System.getProperty("larch.home", ".."), "conf", "larch.yaml");

  @Test
  void shippedConfig_parses_andEqualsDefaults() throws Exception {
    assertEquals(LarchConfig.defaults(), ConfigLoader.load(SHIPPED, Map.of()));
  }

  @Test
  void shippedConfig_mentionsEveryKey() throws Exception {
    String text = Files.readString(SHIPPED);
    for (String key : ConfigLoader.keys()) {
      String leaf = key.substring(key.lastIndexOf('.') + 1);
      assertTrue(text.contains(leaf + ":"), "conf/larch.yaml lacks key " + key);
    }
  }

  @Test
  void usage_documentsEveryFlag() {
    for (String key : ConfigLoader.keys()) {
      assertTrue(RunFlags.USAGE.contains(ConfigLoader.flagFor(key) + " "), "usage lacks " + key);
      assertTrue(RunFlags.USAGE.contains("key " + key), "usage does not name key " + key);
    }
    assertTrue(RunFlags.USAGE.contains("--no-multicast "), "usage lacks --no-multicast");
  }

  @Test
  void defaults_validate() {
    assertEquals(java.util.List.of(), LarchConfig.defaults().validate());
  }
}
