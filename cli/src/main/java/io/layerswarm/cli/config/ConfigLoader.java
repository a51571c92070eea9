package io.layerswarm.cli.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/** Reads a {@link ConfigFile} strictly: unknown keys and wrong types stop the daemon. */
public final class ConfigLoader {
  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private ConfigLoader() {}

  /**
   * Reads {@code file} (if any), then applies {@code overrides}: dotted keys such as {@code
   * agent.listen} mapped to a string, a list or a map. Flags override the file this way, so they go
   * through the same validation. {@code defaults} (dotted keys too) fill keys that neither the file
   * nor an override sets: a command's own defaults, such as paths derived from a flag.
   */
  public static ConfigFile load(
      Optional<Path> file, Map<String, Object> defaults, Map<String, Object> overrides)
      throws ConfigException {
    String text = "";
    String source = "command line";
    if (file.isPresent()) {
      source = file.get().toString();
      try {
        text = Files.readString(file.get());
      } catch (NoSuchFileException e) {
        throw new ConfigException(source + ": config file not found");
      } catch (IOException e) {
        throw new ConfigException(source + ": cannot read config file: " + e.getMessage(), e);
      }
    }
    return parse(text, source, defaults, overrides);
  }

  static ConfigFile parse(String text, String source, Map<String, Object> overrides)
      throws ConfigException {
    return parse(text, source, Map.of(), overrides);
  }

  static ConfigFile parse(
      String text, String source, Map<String, Object> defaults, Map<String, Object> overrides)
      throws ConfigException {
    try {
      JsonNode tree = text.isBlank() ? null : YAML.readTree(text);
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        tree = YAML.createObjectNode();
      }
      if (!tree.isObject()) {
        throw new ConfigException(source + ": the top level must be a map of sections");
      }
      for (Map.Entry<String, Object> override : overrides.entrySet()) {
        set((ObjectNode) tree, override.getKey(), YAML.valueToTree(override.getValue()), true);
      }
      for (Map.Entry<String, Object> fallback : defaults.entrySet()) {
        set((ObjectNode) tree, fallback.getKey(), YAML.valueToTree(fallback.getValue()), false);
      }
      ConfigFile parsed = YAML.treeToValue(tree, ConfigFile.class);
      requireNoEmptyEntries(tree, "", source); // after the keys are known to be ours
      return parsed == null ? ConfigFile.empty() : parsed;
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(
          source
              + ": unknown key '"
              + keyPath(e)
              + "'"
              + location(e, text, overrides)
              + "; known keys here: "
              + e.getKnownPropertyIds().stream()
                  .map(Object::toString)
                  .sorted()
                  .collect(Collectors.joining(", ")));
    } catch (JsonMappingException e) {
      if (e.getPath().isEmpty() && e.getOriginalMessage().startsWith("Trailing token")) {
        throw new ConfigException(
            source
                + ": more than one YAML document"
                + location(e)
                + ": a config file is one document (remove the '---' line and what follows it)");
      }
      throw new ConfigException(
          source
              + ": key '"
              + keyPath(e)
              + "' has the wrong type"
              + location(e, text, overrides)
              + ": "
              + e.getOriginalMessage().lines().findFirst().orElse(""));
    } catch (JsonProcessingException e) {
      throw new ConfigException(
          source + ": not valid YAML" + location(e) + ": " + syntaxProblem(e));
    }
  }

  /**
   * What the YAML parser found wrong, without the lines of the document that its message quotes:
   * they may hold a password or a token, and the message goes to the daemon's log.
   */
  private static String syntaxProblem(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblem() != null) {
      return marked.getProblem();
    }
    return e.getOriginalMessage().lines().findFirst().orElse("");
  }

  /**
   * A list entry left empty ({@code - } alone, or {@code ~}) would reach the daemons as a null URL,
   * proxy or upstream; an empty key of a map means "the default" and stays.
   */
  private static void requireNoEmptyEntries(JsonNode node, String key, String source)
      throws ConfigException {
    if (node.isArray()) {
      for (int i = 0; i < node.size(); i++) {
        String entry = key + "[" + i + "]";
        if (node.get(i).isNull()) {
          throw new ConfigException(source + ": " + entry + " is empty");
        }
        requireNoEmptyEntries(node.get(i), entry, source);
      }
    } else if (node.isObject()) {
      for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> field = it.next();
        String child = key.isEmpty() ? field.getKey() : key + "." + field.getKey();
        requireNoEmptyEntries(field.getValue(), child, source);
      }
    }
  }

  private static void set(ObjectNode root, String dottedKey, JsonNode value, boolean replace) {
    String[] parts = dottedKey.split("\\.");
    ObjectNode node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      JsonNode child = node.get(parts[i]);
      if (!replace && child != null && !child.isNull() && !(child instanceof ObjectNode)) {
        return; // the section has a value of the wrong type; let parsing report it
      }
      node = child instanceof ObjectNode object ? object : node.putObject(parts[i]);
    }
    String last = parts[parts.length - 1];
    if (replace || node.get(last) == null || node.get(last).isNull()) {
      node.set(last, value);
    }
  }

  private static String keyPath(JsonMappingException e) {
    StringBuilder path = new StringBuilder();
    for (JsonMappingException.Reference ref : e.getPath()) {
      if (ref.getFieldName() != null) {
        if (path.length() > 0) {
          path.append('.');
        }
        path.append(ref.getFieldName());
      } else if (ref.getIndex() >= 0) {
        path.append('[').append(ref.getIndex()).append(']');
      }
    }
    return path.toString();
  }

  /**
   * The line of the key in {@code text}: mapping the tree lost the parser's location. None for a
   * key that a flag set.
   */
  private static String location(
      JsonMappingException e, String text, Map<String, Object> overrides) {
    String parsed = location(e);
    if (!parsed.isEmpty() || overrides.containsKey(keyPath(e))) {
      return parsed;
    }
    OptionalInt line = KeyLines.of(YAML, text, e.getPath());
    return line.isPresent() ? " (line " + line.getAsInt() + ")" : "";
  }

  private static String location(JsonProcessingException e) {
    return e.getLocation() == null || e.getLocation().getLineNr() < 1
        ? ""
        : " (line " + e.getLocation().getLineNr() + ")";
  }
}
