package io.layerswarm.cli.daemon;

import io.layerswarm.agent.pins.Pinner;
import io.layerswarm.agent.pins.PinsConfig;
import io.layerswarm.cli.config.ConfigException;
import io.layerswarm.cli.config.Settings;
import io.layerswarm.core.SetupException;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.seeder.SeederConfig;
import io.layerswarm.seeder.ring.LiveRing;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP on {@code all-in-one}: reads the config again and applies what the separate daemons apply
 * on theirs, the agent's {@code agent.pins} and {@code agent.pins-refresh} and the seeder's {@code
 * seeder.ring} and {@code seeder.ring-replicas}; every other key that changed since the start is
 * logged as waiting for the next start. The whole config is checked before anything is applied, so
 * a config that fails its checks changes nothing.
 */
final class AllInOneReload {
  private static final Logger log = LoggerFactory.getLogger(AllInOneReload.class);

  /** What a reload applies. */
  static final List<String> KEYS =
      List.of("agent.pins", "agent.pins-refresh", "seeder.ring", "seeder.ring-replicas");

  /**
   * Not used by all-in-one, whose tracker asks the seeder in its own process: not named as waiting
   * for a restart (they follow {@code seeder.ring} by default).
   */
  private static final List<String> UNUSED = List.of("tracker.seeders", "tracker.ring-replicas");

  private final DaemonOptions options;
  private final Settings started;
  private final Pinner pinner;
  private final Upstreams agentUpstreams;
  private final LiveRing ring;

  /**
   * @param started the settings all-in-one started with
   * @param agentUpstreams the agent's registries: a pin must name one of them
   */
  AllInOneReload(
      DaemonOptions options,
      Settings started,
      Pinner pinner,
      Upstreams agentUpstreams,
      LiveRing ring) {
    this.options = options;
    this.started = started;
    this.pinner = pinner;
    this.agentUpstreams = agentUpstreams;
    this.ring = ring;
  }

  void onHangup() {
    Hangup.handle(this::reload, KEYS.toString());
  }

  /** What SIGHUP does; the log says what happened. */
  void reload() {
    Settings next;
    PinsConfig pins;
    SeederConfig seeder;
    boolean ringChanged;
    try {
      next = options.load();
      pins = next.agentPins();
      pins.requireUpstreams(agentUpstreams);
      seeder = next.seeder();
      // The ring first: it is the one that may still refuse, and then the pins stay too.
      ringChanged = ring.reconfigure(seeder.ringMembers(), seeder.ringReplicas());
    } catch (ConfigException | SetupException | IllegalArgumentException e) {
      log.warn(
          "SIGHUP: config not reloaded, the pins and the ring stay as they were: {}",
          e.getMessage());
      return;
    }
    pinner.replace(pins);
    log.info(
        "SIGHUP: config read again; agent.pins has {} image(s), refreshed every {}; seeder.ring,"
            + " seeder.ring-replicas {}",
        pins.pins().size(),
        pins.refresh(),
        ringChanged ? "applied: the ring changed" : "unchanged since the last read");
    Set<String> restart = RingReload.changedKeys(started.file(), next.file(), "all-in-one");
    restart.removeAll(KEYS);
    restart.removeAll(UNUSED);
    if (!restart.isEmpty()) {
      log.warn("SIGHUP: {} changed in the config and take effect at the next start", restart);
    }
  }
}
