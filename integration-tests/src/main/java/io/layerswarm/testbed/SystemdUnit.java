package io.layerswarm.testbed;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code [Service]} settings of a systemd unit file that a test runs a daemon by, where PID 1
 * is not systemd: the environment ({@code JAVA_OPTS}), the restart policy and the memory cap. Only
 * the forms the project's units use are understood; anything else fails loudly.
 */
public final class SystemdUnit {
  private static final Pattern SIZE = Pattern.compile("(\\d+)([KMGT]?)");
  private static final Pattern SECONDS = Pattern.compile("(\\d+)(ms|s|min)?");

  private final Path file;
  private final Map<String, List<String>> service;

  private SystemdUnit(Path file, Map<String, List<String>> service) {
    this.file = file;
    this.service = service;
  }

  /** Reads {@code file}; keys that repeat (Environment=) keep every value, in order. */
  public static SystemdUnit read(Path file) throws IOException {
    Map<String, List<String>> service = new LinkedHashMap<>();
    String section = "";
    for (String raw : Files.readAllLines(file)) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[")) {
        section = line;
        continue;
      }
      int eq = line.indexOf('=');
      if (section.equals("[Service]") && eq > 0) {
        service
            .computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
            .add(line.substring(eq + 1).strip());
      }
    }
    return new SystemdUnit(file, service);
  }

  public Path file() {
    return file;
  }

  /** The last value of {@code key} in {@code [Service]}, as systemd takes it. */
  public Optional<String> value(String key) {
    List<String> values = service.get(key);
    return values == null || values.isEmpty()
        ? Optional.empty()
        : Optional.of(values.get(values.size() - 1));
  }

  /** The variables of every {@code Environment=} line, a quoted assignment being one. */
  public Map<String, String> environment() {
    Map<String, String> env = new LinkedHashMap<>();
    for (String value : service.getOrDefault("Environment", List.of())) {
      for (String assignment : words(value)) {
        int eq = assignment.indexOf('=');
        if (eq <= 0) {
          throw new IllegalStateException(file + ": cannot read Environment=" + value);
        }
        env.put(assignment.substring(0, eq), assignment.substring(eq + 1));
      }
    }
    return env;
  }

  /** {@code Restart=}, "no" when absent. */
  public String restart() {
    return value("Restart").orElse("no");
  }

  /** {@code RestartSec=}; systemd's default is 100 ms. */
  public Duration restartSec() {
    return value("RestartSec").map(v -> duration("RestartSec", v)).orElse(Duration.ofMillis(100));
  }

  /** {@code RestartPreventExitStatus=} codes. */
  public Set<Integer> restartPreventExitStatus() {
    return codes("RestartPreventExitStatus");
  }

  /** Exit codes that count as success: 0 and {@code SuccessExitStatus=}. */
  public Set<Integer> successExitStatus() {
    Set<Integer> codes = codes("SuccessExitStatus");
    codes.add(0);
    return codes;
  }

  /** {@code MemoryMax=} in bytes, if set. */
  public OptionalLong memoryMax() {
    Optional<String> value = value("MemoryMax");
    if (value.isEmpty()) {
      return OptionalLong.empty();
    }
    Matcher m = SIZE.matcher(value.get());
    if (!m.matches()) {
      throw new IllegalStateException(file + ": cannot read MemoryMax=" + value.get());
    }
    int shift =
        switch (m.group(2)) {
          case "K" -> 10;
          case "M" -> 20;
          case "G" -> 30;
          case "T" -> 40;
          default -> 0;
        };
    return OptionalLong.of(Long.parseLong(m.group(1)) << shift);
  }

  /**
   * Whether systemd would start the service again after it exited with {@code exitCode}, for the
   * policies the project uses ({@code no}, {@code on-failure}, {@code always}).
   */
  public boolean restartsAfter(int exitCode) {
    if (restartPreventExitStatus().contains(exitCode)) {
      return false;
    }
    return switch (restart()) {
      case "always" -> true;
      case "on-failure" -> !successExitStatus().contains(exitCode);
      case "no" -> false;
      default -> throw new IllegalStateException(file + ": unsupported Restart=" + restart());
    };
  }

  private Set<Integer> codes(String key) {
    Set<Integer> codes = new TreeSet<>();
    for (String value : service.getOrDefault(key, List.of())) {
      for (String word : value.split("\\s+")) {
        if (!word.isEmpty()) {
          codes.add(Integer.parseInt(word));
        }
      }
    }
    return codes;
  }

  private Duration duration(String key, String value) {
    Matcher m = SECONDS.matcher(value);
    if (!m.matches()) {
      throw new IllegalStateException(file + ": cannot read " + key + "=" + value);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "min" -> Duration.ofMinutes(n);
      default -> Duration.ofSeconds(n);
    };
  }

  /** Splits on spaces outside double quotes, dropping the quotes. */
  private static List<String> words(String value) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean quoted = false;
    for (char c : value.toCharArray()) {
      if (c == '"') {
        quoted = !quoted;
      } else if (c == ' ' && !quoted) {
        if (word.length() > 0) {
          words.add(word.toString());
          word.setLength(0);
        }
      } else {
        word.append(c);
      }
    }
    if (word.length() > 0) {
      words.add(word.toString());
    }
    return words;
  }
}
