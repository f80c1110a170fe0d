package dev.larch.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link LarchConfig} from the defaults, then a YAML file, then command-line flags (later wins).
 *
 * <p>Implementation notes: the defaults, turned into a JSON tree, are the schema. The file's tree is merged into it
 * key by key, so a key absent from the defaults is reported as unknown and a section given as a single value (or the
 * reverse) is reported at its key, before Jackson binds the merged tree to the records. Each key remembers where its
 * value came from, so every message names the flag, or the file and key, the user has to fix. All problems are
 * collected before failing.
 */
public final class ConfigLoader {
  private static final YAMLMapper YAML =
      YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();

  private ConfigLoader() {}

  /**
   * Reads {@code file} (or only the defaults when it is {@code null}) and applies {@code flags}.
   *
   * @param flags values from the command line by dotted key, e.g. {@code client.listen}; all must be known keys
   * @throws ConfigException naming every problem found
   */
  public static LarchConfig load(Path file, Map<String, String> flags) throws ConfigException {
    if (file == null) {
      return parse(null, null, flags);
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    return parse(text, file.toString(), flags);
  }

  /**
   * Parses {@code yaml} (may be {@code null} for none) read from {@code origin} and applies {@code flags}.
   *
   * @throws ConfigException naming every problem found
   */
  public static LarchConfig parse(String yaml, String origin, Map<String, String> flags) throws ConfigException {
    ObjectNode tree = defaultsTree();
    Map<String, String> origins = new HashMap<>();
    List<String> problems = new ArrayList<>();

    if (yaml != null) {
      JsonNode fileTree = readYaml(yaml, origin);
      if (fileTree.isObject()) {
        merge(tree, (ObjectNode) fileTree, "", origin, origins, problems);
      } else if (!fileTree.isMissingNode() && !fileTree.isNull()) {
        problems.add(origin + ": must be a mapping of keys to values, such as the shipped conf/larch.yaml");
      }
    }
    flags.forEach((key, value) -> applyFlag(tree, key, value, origins));
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }

    LarchConfig config;
    try {
      config = YAML.treeToValue(tree, LarchConfig.class);
    } catch (JsonProcessingException e) {
      // Unreachable while every leaf is a string; kept so a future non-string key fails with a message, not a trace.
      throw new ConfigException("invalid configuration: " + e.getOriginalMessage());
    }
    for (ConfigProblem p : config.validate()) {
      problems.add(describe(p.key(), origins.get(p.key())) + ": " + p.message());
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return config;
  }

  /** Every config key as a dotted path ({@code data_dir}, {@code client.listen}, ...), in file order. */
  public static List<String> keys() {
    List<String> keys = new ArrayList<>();
    collectKeys(defaultsTree(), "", keys);
    return keys;
  }

  /** The command-line flag for {@code key}: the dotted path with {@code .} and {@code _} written as {@code -}. */
  public static String flagFor(String key) {
    return "--" + key.replace('.', '-').replace('_', '-');
  }

  private static ObjectNode defaultsTree() {
    return YAML.valueToTree(LarchConfig.defaults());
  }

  private static JsonNode readYaml(String yaml, String origin) throws ConfigException {
    try {
      return YAML.readTree(yaml);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      String why = e.getOriginalMessage().strip().lines().findFirst().orElse("");
      throw new ConfigException(origin + ": invalid YAML" + where + ": " + why);
    }
  }

  private static void merge(
      ObjectNode target,
      ObjectNode source,
      String prefix,
      String origin,
      Map<String, String> origins,
      List<String> problems) {
    Iterator<Map.Entry<String, JsonNode>> fields = source.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String name = field.getKey();
      JsonNode value = field.getValue();
      String key = prefix + name;
      JsonNode schema = target.get(name);
      if (schema == null) {
        List<String> known = new ArrayList<>();
        target.fieldNames().forEachRemaining(known::add);
        problems.add(origin + ": unknown key " + key + " (known keys here: " + String.join(", ", known) + ")");
      } else if (schema.isObject()) {
        if (value.isObject()) {
          merge((ObjectNode) schema, (ObjectNode) value, key + ".", origin, origins, problems);
        } else if (!value.isNull()) {
          // An empty section ("client:" with nothing below) is null in YAML and simply keeps the defaults.
          problems.add(origin + ": " + key + ": must be a section of keys, not a single value");
        }
      } else if (value.isContainerNode()) {
        problems.add(origin + ": " + key + ": must be a single value, not a list or section");
      } else {
        target.set(name, value.isNull() ? value : TextNode.valueOf(value.asText()));
        origins.put(key, origin);
      }
    }
  }

  private static void applyFlag(ObjectNode tree, String key, String value, Map<String, String> origins) {
    String[] parts = key.split("\\.");
    ObjectNode section = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      section = (ObjectNode) section.get(parts[i]);
    }
    section.set(parts[parts.length - 1], TextNode.valueOf(value));
    origins.put(key, flagFor(key));
  }

  private static void collectKeys(JsonNode node, String prefix, List<String> keys) {
    node.fields()
        .forEachRemaining(
            field -> {
              if (field.getValue().isObject()) {
                collectKeys(field.getValue(), prefix + field.getKey() + ".", keys);
              } else {
                keys.add(prefix + field.getKey());
              }
            });
  }

  /** How a problem's location reads: the flag itself, or the file and key, or just the key for a default. */
  private static String describe(String key, String origin) {
    if (origin == null) {
      return key;
    }
    return origin.startsWith("--") ? origin : origin + ": " + key;
  }
}
