package io.layerswarm.cli.daemon;

import io.layerswarm.core.auth.HttpAuth;
import io.layerswarm.tracker.PeerStores;
import io.layerswarm.tracker.TrackerConfig;
import io.layerswarm.tracker.TrackerServer;
import io.layerswarm.tracker.metainfo.HttpMetainfoSource;
import io.layerswarm.tracker.metainfo.SeederCluster;
import io.layerswarm.tracker.peerstore.PeerStore;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "tracker",
    mixinStandardHelpOptions = true,
    description = "Run the BitTorrent tracker, which also serves metainfo by digest.")
public final class TrackerCommand implements Callable<Integer> {
  @Mixin DaemonOptions options;

  @Option(names = "--listen", paramLabel = "HOST:PORT", description = "tracker.listen")
  String listen;

  @Option(names = "--seeder", paramLabel = "URL", description = "tracker.seeders (repeatable)")
  List<String> seeders;

  @Option(
      names = "--redis",
      paramLabel = "URI",
      description =
          "tracker.redis: share peers with other tracker replicas, e.g. redis://127.0.0.1:6379/0")
  String redis;

  @Mixin AdminListenOptions admin;

  @Override
  public Integer call() {
    options.put("tracker.listen", listen);
    options.put("tracker.seeders", seeders);
    options.put("tracker.redis", redis);
    admin.putInto(options, "tracker");
    return DaemonRunner.run(
        "tracker",
        options,
        (settings, parts) -> {
          TrackerConfig config = settings.tracker();
          int replicas = settings.trackerRingReplicas();
          PeerStore store = parts.add(PeerStores.open(config));
          HttpAuth auth = HttpAuth.of(config.clusterSecret(), InstantSource.system());
          // Asks the live owners of each digest first (tracker.seeders as a ring, R replicas),
          // and follows ring changes made on the seeders.
          SeederCluster seeders = parts.add(SeederCluster.start(config.seeders(), replicas, auth));
          TrackerServer tracker =
              parts.add(
                  TrackerServer.start(
                      config,
                      store,
                      seeders.metainfoSource(HttpMetainfoSource.DEFAULT_TIMEOUT, auth),
                      InstantSource.system()));
          new RingReload(
                  "tracker",
                  options,
                  settings,
                  List.of("tracker.seeders", "tracker.ring-replicas"),
                  next -> seeders.reconfigure(next.tracker().seeders(), next.trackerRingReplicas()))
              .onHangup();
          return "listening on "
              + AgentCommand.hostPort(tracker.address())
              + (config.redis().isPresent() ? " (peers in Redis)" : "")
              + tracker.adminAddress().map(a -> " admin " + AgentCommand.hostPort(a)).orElse("");
        });
  }
}
