package io.layerswarm.cli.daemon;

import io.layerswarm.tracker.HttpMetainfoSource;
import io.layerswarm.tracker.TrackerConfig;
import io.layerswarm.tracker.TrackerServer;
import io.layerswarm.tracker.peerstore.InMemoryPeerStore;
import java.time.Duration;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "tracker", mixinStandardHelpOptions = true,
    description = "Run the BitTorrent tracker, which also serves metainfo by digest.")
public final class TrackerCommand implements Callable<Integer> {
  @Mixin DaemonOptions options;

  @Option(names = "--listen", paramLabel = "HOST:PORT", description = "tracker.listen")
  String listen;

  @Option(names = "--seeder", paramLabel = "URL", description = "tracker.seeders (repeatable)")
  List<String> seeders;

  @Override
  public Integer call() {
    options.put("tracker.listen", listen);
    options.put("tracker.seeders", seeders);
    return DaemonRunner.run("tracker", options, (settings, parts) -> {
      TrackerConfig config = settings.tracker();
      TrackerServer tracker = parts.add(TrackerServer.start(config, new InMemoryPeerStore(),
          new HttpMetainfoSource(config.seeders(), Duration.ofMinutes(10)),
          InstantSource.system()));
      return "announce " + tracker.announceUri();
    });
  }
}
