package io.layerswarm.cli.daemon;

import io.layerswarm.cli.config.Settings;
import io.layerswarm.seeder.SeederServer;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "seeder",
    mixinStandardHelpOptions = true,
    description = "Run a seeder: pull blobs from the origin, make torrents, seed them.")
public final class SeederCommand implements Callable<Integer> {
  static final String USER_AGENT = "layerswarm-seeder/" + Settings.VERSION;

  @Mixin DaemonOptions options;

  @Option(names = "--listen", paramLabel = "HOST:PORT", description = "seeder.listen")
  String listen;

  @Option(names = "--peer-listen", paramLabel = "HOST:PORT", description = "seeder.peer-listen")
  String peerListen;

  @Option(names = "--data", paramLabel = "DIR", description = "seeder.data-dir")
  String data;

  @Option(names = "--tracker", paramLabel = "URL", description = "seeder.trackers (repeatable)")
  List<String> trackers;

  @Mixin AdminListenOptions admin;

  @Option(
      names = "--ring",
      paramLabel = "URL",
      description = "seeder.ring: every seeder's control URL, this one included (repeatable)")
  List<String> ring;

  @Option(names = "--advertise-url", paramLabel = "URL", description = "seeder.advertise-url")
  String advertiseUrl;

  @Override
  public Integer call() {
    options.put("seeder.listen", listen);
    options.put("seeder.peer-listen", peerListen);
    options.put("seeder.data-dir", data);
    options.put("seeder.trackers", trackers);
    admin.putInto(options, "seeder");
    options.put("seeder.ring", ring);
    options.put("seeder.advertise-url", advertiseUrl);
    return DaemonRunner.run(
        "seeder",
        options,
        (settings, parts) -> {
          SeederServer seeder =
              parts.add(SeederServer.start(settings.seeder(), settings.upstreams(USER_AGENT)));
          new RingReload(
                  "seeder",
                  options,
                  settings,
                  List.of("seeder.ring", "seeder.ring-replicas"),
                  next ->
                      seeder
                          .liveRing()
                          .reconfigure(next.seeder().ringMembers(), next.seeder().ringReplicas()))
              .onHangup();
          // The admin address, when there is one, goes last (it may have been bound to port 0).
          return "control "
              + seeder.baseUri()
              + " peers "
              + AgentCommand.hostPort(seeder.engine().listenAddress())
              + seeder.adminAddress().map(a -> " admin " + AgentCommand.hostPort(a)).orElse("");
        });
  }
}
