package io.layerswarm.cli.daemon;

import io.layerswarm.cli.config.ConfigException;
import io.layerswarm.cli.config.ConfigFile;
import io.layerswarm.cli.config.ConfigLoader;
import io.layerswarm.cli.config.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Options every daemon takes: the config file, generic key overrides, --print-config. */
public final class DaemonOptions {
  /** The command this mixin is part of: its stdout and stderr (tests replace them). */
  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  @Option(names = "--config", paramLabel = "FILE", description = "YAML config file.")
  Path config;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Override a config key, e.g. --set agent.swarm-deadline=30s. Repeatable.")
  List<String> sets = new ArrayList<>();

  @Option(
      names = "--print-config",
      description =
          "Check the config as a start does (exit code 78 naming the key, as the start would),"
              + " print this daemon's effective sections and exit, starting nothing. A port in use"
              + " or a directory the daemon cannot create shows only at start.")
  boolean printConfig;

  @Option(
      names = "--upstream",
      paramLabel = "URL",
      description = "Default upstream registry, e.g. http://127.0.0.1:5000. Replaces upstreams.")
  String upstream;

  /** Overrides from flags, in the order they win: specific flags after --set. */
  final Map<String, Object> overrides = new LinkedHashMap<>();

  /** A command's own defaults: used for keys that no file, --set or flag gives. */
  final Map<String, Object> defaults = new LinkedHashMap<>();

  Settings load() throws ConfigException {
    Map<String, Object> all = new LinkedHashMap<>();
    for (String set : sets) {
      int eq = set.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(
            "--set " + set + ": write KEY=VALUE, e.g. agent.listen=127.0.0.1:5050");
      }
      all.put(set.substring(0, eq), set.substring(eq + 1));
    }
    all.putAll(overrides);
    if (upstream != null) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("url", upstream);
      entry.put("default", true);
      String host = URI.create(upstream).getAuthority();
      if (host != null) {
        entry.put("host", host);
      }
      all.put("upstreams", List.of(entry));
    }
    ConfigFile file = ConfigLoader.load(Optional.ofNullable(config), defaults, all);
    return Settings.of(file, config == null ? "command line" : config.toString());
  }

  void put(String key, Object value) {
    if (value != null) {
      overrides.put(key, value);
    }
  }
}
