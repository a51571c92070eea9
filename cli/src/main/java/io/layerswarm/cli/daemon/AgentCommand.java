package io.layerswarm.cli.daemon;

import io.layerswarm.agent.AgentConfig;
import io.layerswarm.agent.AgentServer;
import io.layerswarm.agent.fleet.FleetPoller;
import io.layerswarm.cli.config.Settings;
import io.layerswarm.core.Listening;
import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.registry.client.Upstreams;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "agent",
    mixinStandardHelpOptions = true,
    description =
        "Run the host agent: a registry mirror on localhost that pulls blobs from the swarm.")
public final class AgentCommand implements Callable<Integer> {
  static final String USER_AGENT = "layerswarm-agent/" + Settings.VERSION;

  @Mixin DaemonOptions options;

  @Option(names = "--listen", paramLabel = "HOST:PORT", description = "agent.listen")
  String listen;

  @Option(names = "--peer-listen", paramLabel = "HOST:PORT", description = "agent.peer-listen")
  String peerListen;

  @Option(names = "--data", paramLabel = "DIR", description = "agent.data-dir")
  String data;

  @Option(names = "--tracker", paramLabel = "URL", description = "agent.trackers (repeatable)")
  List<String> trackers;

  @Option(
      names = "--admin-socket",
      paramLabel = "PATH",
      description = "agent.admin-socket: Unix socket of the admin API; \"\" turns it off.")
  String adminSocket;

  @Override
  public Integer call() {
    options.put("agent.listen", listen);
    options.put("agent.peer-listen", peerListen);
    options.put("agent.data-dir", data);
    options.put("agent.trackers", trackers);
    options.put("agent.admin-socket", adminSocket);
    return DaemonRunner.run(
        "agent",
        options,
        (settings, parts) -> {
          Upstreams upstreams = settings.upstreams(USER_AGENT);
          settings.agentFleetPoll(); // a bad value stops the start before anything binds
          AgentServer agent =
              parts.add(
                  AgentServer.start(
                      settings.agent(), upstreams, settings.agentPins(), settings.httpsProxy()));
          exitWhenDrained(agent);
          PinsReload.onHangup(options, agent, upstreams);
          startFleetPoller(settings.agentFleetPoll(), settings.agent(), agent, parts);
          return "registry http://"
              + hostPort(agent.address())
              + " peers "
              + hostPort(agent.engine().listenAddress())
              + agent
                  .metricsAddress()
                  .map(a -> " metrics http://" + hostPort(a) + "/metrics")
                  .orElse("");
        });
  }

  /**
   * Polls {@code config}'s trackers for fleet preheats every {@code poll} ({@code
   * agent.fleet-poll}; not when 0, or without trackers), signed with its cluster secret; stops
   * before the agent does.
   */
  static void startFleetPoller(
      Duration poll, AgentConfig config, AgentServer agent, DaemonRunner.Parts parts) {
    if (poll.isZero() || config.trackers().isEmpty()) {
      return;
    }
    parts.add(
        FleetPoller.start(
            config.trackers(),
            poll,
            agent.engine().listenAddress().getPort(),
            config.location(),
            HttpAuth.of(config.clusterSecret(), InstantSource.system()),
            agent.pinSource(),
            InstantSource.system(),
            USER_AGENT));
  }

  /**
   * After `layerswarm drain` finished, the process exits with status 0 (the shutdown hook stops the
   * parts), so systemd's Restart=on-failure leaves it stopped.
   */
  static void exitWhenDrained(AgentServer agent) {
    agent
        .drained()
        .thenRun(
            () -> {
              Thread exit = new Thread(() -> System.exit(0), "agent-drained-exit");
              exit.start();
            });
  }

  static String hostPort(java.net.InetSocketAddress address) {
    return Listening.hostPort(address);
  }
}
