package dev.larch.overlay;

import dev.larch.overlay.identity.NodeKey;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/** Loads the annotated vector files under {@code pinecone-vectors/} (format in that folder's README). */
public final class Vectors {
  private Vectors() {}

  /** name → raw value text (hex with spaces removed), in file order. */
  public static Map<String, String> load(String file) {
    try (InputStream in = Vectors.class.getResourceAsStream("/pinecone-vectors/" + file)) {
      if (in == null) {
        throw new IllegalStateException("missing vector file " + file);
      }
      Map<String, String> out = new LinkedHashMap<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        line = line.strip();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        int eq = line.lastIndexOf(" = ");
        out.put(line.substring(0, eq).strip(), line.substring(eq + 3).replace(" ", ""));
      }
      return out;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  public static byte[] hex(String file, String name) {
    String value = load(file).get(name);
    if (value == null) {
      throw new IllegalArgumentException("no vector " + name + " in " + file);
    }
    return HexFormat.of().parseHex(value);
  }

  /** Key A, B or C of section 14. */
  public static NodeKey key(String name) {
    return NodeKey.fromSeed(hex("keys.txt", "seed." + name));
  }
}
