package io.layerswarm.cli.daemon;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import io.layerswarm.cli.config.ConfigException;
import io.layerswarm.cli.config.ConfigFile;
import io.layerswarm.cli.config.Settings;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP on the tracker and the seeder ({@code systemctl reload}): reads the config again and
 * applies its ring keys ({@code tracker.seeders} and {@code tracker.ring-replicas}, or {@code
 * seeder.ring} and {@code seeder.ring-replicas}) without a restart; every other key that changed
 * since the start is logged as waiting for the next start. A config that fails its checks changes
 * nothing. Without a handler the JVM would exit on SIGHUP, as these daemons did before.
 */
final class RingReload {
  private static final Logger log = LoggerFactory.getLogger(RingReload.class);
  private static final ObjectMapper KEYS =
      new ObjectMapper().setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE);

  /** Applies the ring keys of a config read again; true when the ring changed. */
  @FunctionalInterface
  interface Apply {
    boolean apply(Settings settings) throws ConfigException;
  }

  private final String daemon;
  private final DaemonOptions options;
  private final Settings started;
  private final List<String> ringKeys;
  private final Apply apply;

  /**
   * @param daemon {@code tracker} or {@code seeder}: the config sections compared
   * @param started the settings the daemon started with
   */
  RingReload(
      String daemon, DaemonOptions options, Settings started, List<String> ringKeys, Apply apply) {
    this.daemon = daemon;
    this.options = options;
    this.started = started;
    this.ringKeys = ringKeys;
    this.apply = apply;
  }

  void onHangup() {
    Hangup.handle(this::reload, ringKeys.toString());
  }

  /** What SIGHUP does; the log says what happened. */
  void reload() {
    Settings next;
    try {
      next = options.load();
    } catch (ConfigException e) {
      log.warn("SIGHUP: config not reloaded, the ring stays as it was: {}", e.getMessage());
      return;
    }
    try {
      boolean changed = apply.apply(next);
      log.info(
          "SIGHUP: config read again; {} {}",
          String.join(", ", ringKeys),
          changed ? "applied: the ring changed" : "unchanged since the last read");
    } catch (ConfigException | IllegalArgumentException e) {
      log.warn("SIGHUP: config not reloaded, the ring stays as it was: {}", e.getMessage());
      return;
    }
    Set<String> restart = changedKeys(started.file(), next.file(), daemon);
    restart.removeAll(ringKeys);
    if (!restart.isEmpty()) {
      log.warn("SIGHUP: {} changed in the config and take effect at the next start", restart);
    }
  }

  /**
   * The keys ({@code section.key}) of {@code daemon}'s sections and {@code cluster} (and {@code
   * upstreams} for a seeder or all-in-one) whose values differ between two configs.
   */
  static Set<String> changedKeys(ConfigFile before, ConfigFile after, String daemon) {
    List<String> sections =
        switch (daemon) {
          case "tracker" -> List.of("cluster", "tracker");
          case "seeder" -> List.of("upstreams", "cluster", "seeder");
          case "all-in-one" -> List.of("upstreams", "cluster", "tracker", "seeder", "agent");
          default -> throw new IllegalArgumentException("no config sections of " + daemon);
        };
    JsonNode old = KEYS.valueToTree(before);
    JsonNode now = KEYS.valueToTree(after);
    Set<String> changed = new TreeSet<>();
    for (String section : sections) {
      JsonNode a = old.path(section);
      JsonNode b = now.path(section);
      if (!a.isObject() || !b.isObject()) {
        if (!Objects.equals(a, b)) {
          changed.add(section);
        }
        continue;
      }
      Set<String> names = new TreeSet<>();
      a.fieldNames().forEachRemaining(names::add);
      b.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        if (!Objects.equals(a.get(name), b.get(name))) {
          changed.add(section + "." + name);
        }
      }
    }
    return changed;
  }
}
