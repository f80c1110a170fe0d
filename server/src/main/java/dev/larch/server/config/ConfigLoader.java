package dev.larch.server.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
 * collected before failing. A key whose default is a list ({@code overlay.static_peers}) takes a YAML list of single
 * values, and from the command line a repeatable flag whose values replace the file's list as a whole.
 */
public final class ConfigLoader {
  private static final YAMLMapper YAML =
      YAMLMapper.builder().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION).build();
  /**
   * Keys whose flag is not derived from the key. A list key's flag gives one element per use, so it is singular;
   * {@code --static-peer} is also the name Pinecone's own tools and the issue use.
   */
  private static final Map<String, String> FLAG_EXCEPTIONS =
      Map.of("overlay.static_peers", "--static-peer", "registration.tokens", "--registration-token",
          "federation.trusted_key_servers", "--trusted-key-server", "overlay.relay", "--relay",
          "overlay.relays", "--relay-server");

  private ConfigLoader() {}

  /**
   * Reads {@code file} (or only the defaults when it is {@code null}) and applies {@code flags}.
   *
   * @param flags values from the command line by dotted key, e.g. {@code client.listen}; all must be known keys
   * @throws ConfigException naming every problem found
   */
  public static LarchConfig load(Path file, Map<String, String> flags) throws ConfigException {
    return load(file, flags, Map.of());
  }

  /**
   * Reads {@code file} (or only the defaults when it is {@code null}) and applies {@code flags} and {@code lists}.
   *
   * @param flags single values from the command line by dotted key; all must be known keys
   * @param lists list values from the command line by dotted key (see {@link #isList}); each replaces the file's list
   * @throws ConfigException naming every problem found
   */
  public static LarchConfig load(Path file, Map<String, String> flags, Map<String, List<String>> lists)
      throws ConfigException {
    if (file == null) {
      return parse(null, null, flags, lists);
    }
    String text;
    try {
      text = Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new ConfigException("config file " + file + " does not exist");
    } catch (IOException e) {
      throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
    }
    return parse(text, file.toString(), flags, lists);
  }

  /**
   * Parses {@code yaml} (may be {@code null} for none) read from {@code origin} and applies {@code flags}.
   *
   * @throws ConfigException naming every problem found
   */
  public static LarchConfig parse(String yaml, String origin, Map<String, String> flags) throws ConfigException {
    return parse(yaml, origin, flags, Map.of());
  }

  /**
   * Parses {@code yaml} (may be {@code null} for none) read from {@code origin} and applies {@code flags} and
   * {@code lists}.
   *
   * @throws ConfigException naming every problem found
   */
  public static LarchConfig parse(
      String yaml, String origin, Map<String, String> flags, Map<String, List<String>> lists)
      throws ConfigException {
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
    flags.forEach((key, value) -> applyFlag(tree, key, TextNode.valueOf(value), origins));
    lists.forEach((key, values) -> {
      ArrayNode array = YAML.createArrayNode();
      values.forEach(array::add);
      applyFlag(tree, key, array, origins);
    });
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }

    LarchConfig config;
    try {
      config = YAML.treeToValue(tree, LarchConfig.class);
    } catch (JsonProcessingException e) {
      // Unreachable while every leaf is text or a list of text; kept so a future typed key fails with a message.
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

  /**
   * The command-line flag for {@code key}: the dotted path with {@code .} and {@code _} written as {@code -}, except
   * the list keys {@code overlay.static_peers}, {@code registration.tokens} and
   * {@code federation.trusted_key_servers}, whose repeatable flags are {@code --static-peer},
   * {@code --registration-token} and {@code --trusted-key-server}.
   */
  public static String flagFor(String key) {
    String exception = FLAG_EXCEPTIONS.get(key);
    return exception != null ? exception : "--" + key.replace('.', '-').replace('_', '-');
  }

  /** Whether {@code key} holds a list, so its flag may be repeated. */
  public static boolean isList(String key) {
    JsonNode node = defaultsTree();
    for (String part : key.split("\\.")) {
      node = node.path(part);
    }
    return node.isArray();
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
      } else if (schema.isArray()) {
        mergeList(target, name, value, key, origin, origins, problems);
      } else if (value.isContainerNode()) {
        problems.add(origin + ": " + key + ": must be a single value, not a list or section");
      } else {
        target.set(name, value.isNull() ? value : TextNode.valueOf(value.asText()));
        origins.put(key, origin);
      }
    }
  }

  /** A list key: a YAML list of single values (or nothing, for an empty list), each kept as text. */
  private static void mergeList(
      ObjectNode target,
      String name,
      JsonNode value,
      String key,
      String origin,
      Map<String, String> origins,
      List<String> problems) {
    ArrayNode list = YAML.createArrayNode();
    if (value.isArray()) {
      for (JsonNode element : value) {
        if (element.isContainerNode() || element.isNull()) {
          problems.add(origin + ": " + key + ": each entry must be a single value, e.g. - 192.168.1.20:5977");
          return;
        }
        list.add(element.asText());
      }
    } else if (!value.isNull()) {
      problems.add(origin + ": " + key + ": must be a list, one entry per line starting with \"- \", or [] for none");
      return;
    }
    target.set(name, list);
    origins.put(key, origin);
  }

  private static void applyFlag(ObjectNode tree, String key, JsonNode value, Map<String, String> origins) {
    String[] parts = key.split("\\.");
    ObjectNode section = tree;
    for (int i = 0; i < parts.length - 1; i++) {
      section = (ObjectNode) section.get(parts[i]);
    }
    section.set(parts[parts.length - 1], value);
    origins.put(key, flagFor(key));
  }

  private static void collectKeys(JsonNode node, String prefix, List<String> keys) {
    node.fields()
        .forEachRemaining(
            field -> {
              if (field.getValue().isObject()) { // a list is a leaf: one key, one flag
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
