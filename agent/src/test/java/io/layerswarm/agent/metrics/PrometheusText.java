package io.layerswarm.agent.metrics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict reader of the Prometheus text exposition format 0.0.4, enough to check what the agent
 * serves: every line is a {@code # HELP}/{@code # TYPE} comment or a sample of a declared family,
 * names and labels are well-formed, values parse. Throws on anything else.
 */
public final class PrometheusText {
  private static final String NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
  private static final Pattern TYPE =
      Pattern.compile("# TYPE (" + NAME + ") (counter|gauge|histogram|summary|untyped)");
  private static final Pattern HELP = Pattern.compile("# HELP (" + NAME + ") .*");
  private static final Pattern SAMPLE =
      Pattern.compile("(" + NAME + ")(?:\\{(.*)})? (\\S+)(?: -?\\d+)?");
  private static final Pattern LABEL =
      Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\\\n]|\\\\[\\\\\"n])*)\"(,|$)");

  /** Samples by series, {@code name} or {@code name{k="v",...}} with the labels sorted. */
  private final Map<String, Double> samples;

  private final Map<String, String> types;

  private PrometheusText(Map<String, Double> samples, Map<String, String> types) {
    this.samples = samples;
    this.types = types;
  }

  public static PrometheusText parse(String text) {
    Map<String, Double> samples = new LinkedHashMap<>();
    Map<String, String> types = new LinkedHashMap<>();
    if (!text.isEmpty() && !text.endsWith("\n")) {
      throw new IllegalArgumentException("the text does not end with a line feed");
    }
    for (String line : text.split("\n")) {
      if (line.isEmpty()) {
        continue;
      }
      Matcher type = TYPE.matcher(line);
      if (type.matches()) {
        if (types.put(type.group(1), type.group(2)) != null) {
          throw new IllegalArgumentException("family declared twice: " + line);
        }
        continue;
      }
      if (HELP.matcher(line).matches() || line.startsWith("#")) {
        continue;
      }
      Matcher sample = SAMPLE.matcher(line);
      if (!sample.matches()) {
        throw new IllegalArgumentException("not a sample line: " + line);
      }
      String name = sample.group(1);
      if (family(name, types) == null) {
        throw new IllegalArgumentException("sample of an undeclared family: " + line);
      }
      String key = key(name, labels(sample.group(2), line));
      if (samples.put(key, value(sample.group(3), line)) != null) {
        throw new IllegalArgumentException("series twice: " + line);
      }
    }
    return new PrometheusText(samples, types);
  }

  /** The value of one series; {@code labels} are name, value pairs in any order. */
  public double value(String name, String... labels) {
    Set<String> pairs = new TreeSet<>();
    for (int i = 0; i < labels.length; i += 2) {
      pairs.add(labels[i] + "=\"" + labels[i + 1] + "\"");
    }
    String key = key(name, pairs);
    Double value = samples.get(key);
    if (value == null) {
      throw new AssertionError("no series " + key + " in " + samples.keySet());
    }
    return value;
  }

  /** The declared type of the family a sample name belongs to, e.g. counter. */
  public String type(String sampleName) {
    return family(sampleName, types);
  }

  public Set<String> series() {
    return samples.keySet();
  }

  private static String family(String name, Map<String, String> types) {
    if (types.containsKey(name)) {
      return types.get(name);
    }
    for (String suffix : List.of("_total", "_count", "_sum", "_bucket", "_created")) {
      if (name.endsWith(suffix)) {
        String base = name.substring(0, name.length() - suffix.length());
        if (types.containsKey(base)) {
          return types.get(base);
        }
      }
    }
    return null;
  }

  private static Set<String> labels(String text, String line) {
    Set<String> pairs = new TreeSet<>();
    if (text == null || text.isEmpty()) {
      return pairs;
    }
    Matcher label = LABEL.matcher(text);
    int at = 0;
    List<String> names = new ArrayList<>();
    while (at < text.length()) {
      if (!label.find(at) || label.start() != at) {
        throw new IllegalArgumentException("bad labels in: " + line);
      }
      if (names.contains(label.group(1))) {
        throw new IllegalArgumentException("label twice in: " + line);
      }
      names.add(label.group(1));
      pairs.add(label.group(1) + "=\"" + label.group(2) + "\"");
      at = label.end();
    }
    return pairs;
  }

  private static double value(String text, String line) {
    switch (text) {
      case "NaN":
        return Double.NaN;
      case "+Inf":
        return Double.POSITIVE_INFINITY;
      case "-Inf":
        return Double.NEGATIVE_INFINITY;
      default:
        try {
          return Double.parseDouble(text);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException("bad value in: " + line, e);
        }
    }
  }

  private static String key(String name, Set<String> pairs) {
    return pairs.isEmpty() ? name : name + "{" + String.join(",", pairs) + "}";
  }
}
