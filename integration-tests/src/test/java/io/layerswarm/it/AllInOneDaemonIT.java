package io.layerswarm.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.CommandResult;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code all-in-one} as the separate daemons: SIGHUP reads the config again (pins and ring, other
 * changed keys named) instead of ending the process, and its agent polls the tracker for fleet
 * preheats. Debian's docker-registry as the origin, the built distribution.
 */
class AllInOneDaemonIT {

  /** One all-in-one on free loopback ports with {@code config}, the origin its upstream. */
  private record AllInOne(DaemonProcess process, Path agentData, int trackerPort) {
    static AllInOne start(ClusterBed bed, OriginRegistry origin, Path config)
        throws IOException, InterruptedException {
      int[] ports = FreePorts.pick(3);
      Path data = bed.work().resolve("data");
      DaemonProcess process =
          bed.daemon(
              "all-in-one",
              "all-in-one",
              "--upstream",
              origin.baseUri().toString(),
              "--listen",
              "127.0.0.1:" + ports[0],
              "--tracker-listen",
              "127.0.0.1:" + ports[1],
              "--seeder-listen",
              "127.0.0.1:" + ports[2],
              "--data",
              data.toString(),
              "--admin-socket",
              "",
              "--config",
              config.toString());
      return new AllInOne(process, data.resolve("agent"), ports[1]);
    }

    boolean holds(Image image) throws IOException {
      return ClusterBed.heldBlobs(agentData).containsAll(ClusterBed.blobDigests(image));
    }
  }

  @Test
  void sighupAppliesTheEditedPinsNamesTheOtherChangedKeysAndABadEditKeepsTheOldPins()
      throws Exception {
    try (ClusterBed bed = new ClusterBed(TestbedDirs.create("all-in-one-reload"))) {
      OriginRegistry origin = bed.track(OriginRegistry.start(bed.work().resolve("origin")));
      Image pinned = bed.image("pinned", 2, 2L << 20);
      new RegistryPusher(origin.baseUri()).push(pinned, "pinned/app", "1");
      Path config = bed.config("all-in-one.yaml", "tracker:\n  announce-interval: 30s\n");
      AllInOne allInOne = AllInOne.start(bed, origin, config);
      assertThat(allInOne.holds(pinned)).isFalse();

      Files.writeString(
          config, "tracker:\n  announce-interval: 45s\nagent:\n  pins:\n    - pinned/app:1\n");
      allInOne.process().hangUp();
      allInOne
          .process()
          .awaitOutput(
              Pattern.compile("SIGHUP: config read again; agent.pins has 1 image"),
              Duration.ofSeconds(30));
      allInOne
          .process()
          .awaitOutput(
              Pattern.compile(
                  "SIGHUP: \\[tracker.announce-interval\\] changed in the config and take effect"
                      + " at the next start"),
              Duration.ofSeconds(30));
      Await.until(
          "the pinned image is local",
          Duration.ofSeconds(60),
          () -> {
            try {
              return allInOne.holds(pinned);
            } catch (IOException e) {
              return false;
            }
          });

      Files.writeString(config, "agent:\n  pins:\n    - Not/A/Reference:1\n");
      allInOne.process().hangUp();
      allInOne
          .process()
          .awaitOutput(
              Pattern.compile(
                  "SIGHUP: config not reloaded, the pins and the ring stay as they were:"
                      + " .*agent.pins\\[0\\]"),
              Duration.ofSeconds(30));
      assertThat(allInOne.process().isAlive()).as("SIGHUP does not stop all-in-one").isTrue();
    }
  }

  @Test
  void aFleetPreheatOnTheTrackerReachesTheAgentOfAllInOne() throws Exception {
    try (ClusterBed bed = new ClusterBed(TestbedDirs.create("all-in-one-fleet"))) {
      OriginRegistry origin = bed.track(OriginRegistry.start(bed.work().resolve("origin")));
      Image image = bed.image("image", 2, 4L << 20);
      new RegistryPusher(origin.baseUri()).push(image, "team/fleet", "1");
      String admin = "127.0.0.1:" + FreePorts.pick(1)[0];
      Path config =
          bed.config(
              "all-in-one.yaml",
              "tracker:\n  admin-listen: " + admin + "\nagent:\n  fleet-poll: 1s\n");
      AllInOne allInOne = AllInOne.start(bed, origin, config);
      URI trackerMetrics = URI.create("http://127.0.0.1:" + allInOne.trackerPort() + "/metrics");
      Await.until(
          "the tracker knows the agent",
          Duration.ofSeconds(30),
          () -> {
            try {
              return ClusterBed.metric(ClusterBed.get(trackerMetrics), "tracker_fleet_agents", "")
                  == 1;
            } catch (IOException e) {
              return false;
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return false;
            }
          });

      CommandResult run =
          CommandResult.run(
              List.of(
                  ClusterBed.dist().resolve("bin/layerswarm").toString(),
                  "preheat",
                  "--agents",
                  "--server",
                  admin,
                  "--progress",
                  "plain",
                  "--timeout",
                  "2m",
                  "team/fleet:1"),
              Map.of(),
              Duration.ofMinutes(3));

      assertThat(run.exitCode()).as(run.describe()).isZero();
      assertThat(run.output()).contains("total: 1 done, 0 running, 0 waiting, 0 failed");
      assertThat(allInOne.holds(image)).isTrue();
    }
  }
}
