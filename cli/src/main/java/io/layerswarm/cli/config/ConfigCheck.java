package io.layerswarm.cli.config;

import io.layerswarm.core.SetupException;
import io.layerswarm.registry.client.Upstreams;

/**
 * {@code --print-config}: the checks a daemon's start makes on its config, without binding a port
 * or creating a directory, and the sections that daemon reads. A config that this passes can still
 * fail at start on what only the start finds: a port in use, a data directory it cannot create.
 */
public final class ConfigCheck {
  private static final String USER_AGENT = "layerswarm/" + Settings.VERSION;

  private ConfigCheck() {}

  /**
   * Checks {@code settings} as the start of {@code daemon} does and returns its effective config as
   * YAML: {@code cluster} and the daemon's own sections ({@code upstreams} for those that pull from
   * a registry), secrets masked.
   *
   * @param daemon tracker, seeder, agent or all-in-one
   * @throws ConfigException the error that the start would report (exit code 78)
   */
  public static String printable(Settings settings, String daemon) throws ConfigException {
    ConfigFile f = settings.file();
    ConfigFile sections =
        switch (daemon) {
          case "tracker" -> {
            settings.tracker();
            settings.trackerRingReplicas();
            yield new ConfigFile(null, f.cluster(), f.tracker(), null, null);
          }
          case "seeder" -> {
            settings.seeder();
            settings.upstreams(USER_AGENT);
            yield new ConfigFile(f.upstreams(), f.cluster(), null, f.seeder(), null);
          }
          case "agent" -> {
            settings.agent();
            settings.agentFleetPoll();
            requirePinnedUpstreams(settings);
            yield new ConfigFile(f.upstreams(), f.cluster(), null, null, f.agent());
          }
          case "all-in-one" -> {
            settings.seeder();
            settings.tracker();
            settings.agent();
            requirePinnedUpstreams(settings);
            yield f;
          }
          default -> throw new IllegalArgumentException("no daemon named " + daemon);
        };
    return ConfigPrinter.yaml(sections);
  }

  /** The upstreams, and {@code agent.pins} naming only those registries, as the start checks. */
  private static void requirePinnedUpstreams(Settings settings) throws ConfigException {
    Upstreams upstreams = settings.upstreams(USER_AGENT);
    try {
      settings.agentPins().requireUpstreams(upstreams);
    } catch (SetupException e) {
      throw new ConfigException(e.getMessage(), e);
    }
  }
}
