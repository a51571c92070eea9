package io.layerswarm.cli.daemon;

import io.layerswarm.agent.AgentConfig;
import io.layerswarm.agent.AgentServer;
import io.layerswarm.core.auth.ClusterSecret;
import io.layerswarm.registry.client.Upstreams;
import io.layerswarm.seeder.SeederServer;
import io.layerswarm.seeder.seeding.SeederException;
import io.layerswarm.seeder.seeding.UnknownUpstreamException;
import io.layerswarm.seeder.seeding.UpstreamBlobUnknownException;
import io.layerswarm.tracker.TrackerServer;
import io.layerswarm.tracker.metainfo.MetainfoSource;
import io.layerswarm.tracker.metainfo.MetainfoUnavailableException;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "all-in-one",
    mixinStandardHelpOptions = true,
    description = "Run tracker, seeder and agent in one process, for a single-host trial.")
public final class AllInOneCommand implements Callable<Integer> {
  @Mixin DaemonOptions options;

  @Option(names = "--listen", paramLabel = "HOST:PORT", description = "agent.listen")
  String listen;

  @Option(
      names = "--data",
      paramLabel = "DIR",
      description =
          "Data root: the seeder uses DIR/seeder, the agent DIR/agent, and the admin"
              + " socket is DIR/agent.sock unless agent.admin-socket is set.")
  Path data;

  @Option(
      names = "--admin-socket",
      paramLabel = "PATH",
      description = "agent.admin-socket: Unix socket of the admin API; \"\" turns it off.")
  String adminSocket;

  @Option(names = "--tracker-listen", paramLabel = "HOST:PORT", description = "tracker.listen")
  String trackerListen;

  @Option(names = "--seeder-listen", paramLabel = "HOST:PORT", description = "seeder.listen")
  String seederListen;

  @Override
  public Integer call() {
    options.put("agent.listen", listen);
    options.put("tracker.listen", trackerListen);
    options.put("seeder.listen", seederListen);
    options.put("agent.admin-socket", adminSocket);
    if (data != null) {
      options.put("seeder.data-dir", data.resolve("seeder").toString());
      options.put("agent.data-dir", data.resolve("agent").toString());
      // A trial run with its own data dir should not need /run/layerswarm or clash with an agent
      // already serving there.
      options.defaults.put("agent.admin-socket", data.resolve("agent.sock").toString());
    }
    // One host: peers talk over loopback unless the config says otherwise.
    options.defaults.put("seeder.peer-listen", "127.0.0.1:0");
    options.defaults.put("agent.peer-listen", "127.0.0.1:0");
    return DaemonRunner.run(
        "all-in-one",
        options,
        (settings, parts) -> {
          // One process is the whole cluster: without a secret file, a random secret in memory
          // closes the ports to everyone else.
          ClusterSecret secret = settings.clusterSecret().orElseGet(ClusterSecret::random);
          Duration fleetPoll = settings.agentFleetPoll(); // a bad value stops the start here
          SeederServer seeder =
              parts.add(
                  SeederServer.start(
                      settings.seeder().withClusterSecret(secret),
                      settings.upstreams(SeederCommand.USER_AGENT)));
          TrackerServer tracker =
              parts.add(
                  TrackerServer.start(
                      settings.tracker().withClusterSecret(secret),
                      new InMemoryPeerStore(),
                      inProcess(seeder),
                      InstantSource.system()));
          AgentConfig agentConfig = settings.agent().withClusterSecret(secret);
          Upstreams agentUpstreams = settings.upstreams(AgentCommand.USER_AGENT);
          AgentServer agent =
              parts.add(
                  AgentServer.start(
                      agentConfig, agentUpstreams, settings.agentPins(), settings.httpsProxy()));
          // A drained all-in-one exits too: tracker and seeder serve only this agent.
          AgentCommand.exitWhenDrained(agent);
          new AllInOneReload(options, settings, agent.pinner(), agentUpstreams, seeder.liveRing())
              .onHangup();
          // Fleet preheats reach this agent as any other: the tracker here, or one it also polls.
          AgentCommand.startFleetPoller(fleetPoll, agentConfig, agent, parts);
          return "registry http://"
              + AgentCommand.hostPort(agent.address())
              + " tracker "
              + tracker.announceUri()
              + " seeder "
              + seeder.baseUri();
        });
  }

  /** The tracker asks the seeder in this process directly instead of over HTTP. */
  private static MetainfoSource inProcess(SeederServer seeder) {
    return (digest, registry, repo) -> {
      try {
        return seeder.service().metainfo(digest, registry, repo).encode();
      } catch (UnknownUpstreamException | UpstreamBlobUnknownException e) {
        throw MetainfoUnavailableException.notFound(e.getMessage());
      } catch (SeederException e) {
        throw MetainfoUnavailableException.unavailable(e.getMessage(), e);
      }
    };
  }
}
