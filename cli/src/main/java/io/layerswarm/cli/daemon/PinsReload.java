package io.layerswarm.cli.daemon;

import io.layerswarm.agent.AgentServer;
import io.layerswarm.agent.pins.PinsConfig;
import io.layerswarm.cli.config.ConfigException;
import io.layerswarm.core.SetupException;
import io.layerswarm.registry.client.Upstreams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP ({@code systemctl reload layerswarm-agent}) reads the config again and applies its {@code
 * agent.pins} and {@code agent.pins-refresh}; every other key needs a restart. A config that fails
 * its checks changes nothing: the error is logged and the old pins stay.
 */
final class PinsReload {
  private static final Logger log = LoggerFactory.getLogger(PinsReload.class);

  private PinsReload() {}

  static void onHangup(DaemonOptions options, AgentServer agent, Upstreams upstreams) {
    Hangup.handle(() -> reload(options, agent, upstreams), "agent.pins");
  }

  static void reload(DaemonOptions options, AgentServer agent, Upstreams upstreams) {
    try {
      PinsConfig pins = options.load().agentPins();
      pins.requireUpstreams(upstreams);
      agent.pinner().replace(pins);
      log.info(
          "SIGHUP: config read again; agent.pins has {} image(s), refreshed every {} (other keys"
              + " take effect at the next start)",
          pins.pins().size(),
          pins.refresh());
    } catch (ConfigException | SetupException e) {
      log.warn("SIGHUP: config not reloaded, the pins stay as they were: {}", e.getMessage());
    }
  }
}
