package io.layerswarm.it.faults;

import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The Redis fault ITs' cluster on a {@link FaultCluster}'s origin: Debian's redis-server (or a
 * master watched by Sentinel), two tracker replicas sharing it, a seeder and an agent that announce
 * to both.
 *
 * @param agentAddress the agent's registry API, {@code 127.0.0.1:<port>}
 */
record TwoTrackersOnRedis(
    DaemonProcess redis,
    String trackerA,
    String trackerB,
    DaemonProcess agent,
    String agentAddress) {

  /**
   * Starts them; {@code trackerSettings} and {@code agentSettings} are {@code --set key=value}
   * pairs for every tracker and for the agent.
   */
  static TwoTrackersOnRedis start(
      FaultCluster cluster, List<String> trackerSettings, List<String> agentSettings)
      throws IOException, InterruptedException {
    int port = FreePorts.pick();
    DaemonProcess redis = cluster.bed.redis(port);
    return around(
        cluster, redis, "redis://127.0.0.1:" + port + "/0", trackerSettings, agentSettings);
  }

  /**
   * The trackers, the seeder and the agent around a Redis that is already up: {@code redis} is the
   * server the trackers reach first through {@code redisUri} ({@code tracker.redis}).
   */
  static TwoTrackersOnRedis around(
      FaultCluster cluster,
      DaemonProcess redis,
      String redisUri,
      List<String> trackerSettings,
      List<String> agentSettings)
      throws IOException, InterruptedException {
    int[] ports = FreePorts.pick(4);
    String trackerA = "http://127.0.0.1:" + ports[0];
    String trackerB = "http://127.0.0.1:" + ports[1];
    String seeder = "http://127.0.0.1:" + ports[2];
    for (int i = 0; i < 2; i++) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "tracker",
                  "--listen",
                  "127.0.0.1:" + ports[i],
                  "--seeder",
                  seeder,
                  "--redis",
                  redisUri));
      args.addAll(sets(trackerSettings));
      cluster.bed.daemon(i == 0 ? "trackerA" : "trackerB", args.toArray(String[]::new));
    }
    cluster.bed.daemon(
        "seeder",
        ClusterBed.seederArgs(
            ports[2],
            cluster.work().resolve("seeder"),
            cluster.origin.baseUri().toString(),
            trackerA,
            trackerB));
    DaemonProcess agent =
        cluster.bed.daemon(
            "agent",
            ClusterBed.agentArgs(
                ports[3],
                cluster.work().resolve("agent"),
                cluster.origin.baseUri().toString(),
                List.of(trackerA, trackerB),
                sets(agentSettings).toArray(String[]::new)));
    return new TwoTrackersOnRedis(redis, trackerA, trackerB, agent, "127.0.0.1:" + ports[3]);
  }

  /** {@code --set key=value} for each setting. */
  private static List<String> sets(List<String> settings) {
    return settings.stream().flatMap(s -> java.util.stream.Stream.of("--set", s)).toList();
  }
}
