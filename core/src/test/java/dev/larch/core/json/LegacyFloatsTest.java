package dev.larch.core.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class LegacyFloatsTest {
  @Test
  void repr_pythonReferenceTable_matchesEveryEntry() throws IOException {
    int checked = 0;
    try (BufferedReader in =
        new BufferedReader(
            new InputStreamReader(
                LegacyFloatsTest.class.getResourceAsStream("/canonical-json/python-float-repr.txt"),
                StandardCharsets.UTF_8))) {
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        String[] parts = line.split(" ");
        double d = Double.longBitsToDouble(Long.parseLong(parts[0]));

        assertEquals(parts[1], LegacyFloats.repr(d), "bits " + parts[0]);
        checked++;
      }
    }
    assertTrue(checked > 1000, "the table was read");
  }

  @Test
  void repr_whenZeroes_keepsTheSign() {
    assertEquals("0.0", LegacyFloats.repr(0.0));
    assertEquals("-0.0", LegacyFloats.repr(-0.0));
  }
}
