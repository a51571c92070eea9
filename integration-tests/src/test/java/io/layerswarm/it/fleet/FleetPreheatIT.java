package io.layerswarm.it.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.it.cluster.ClusterBed;
import io.layerswarm.testbed.AccessLog;
import io.layerswarm.testbed.CommandResult;
import io.layerswarm.testbed.DaemonProcess;
import io.layerswarm.testbed.FreePorts;
import io.layerswarm.testbed.Image;
import io.layerswarm.testbed.OriginRegistry;
import io.layerswarm.testbed.RegistryPusher;
import io.layerswarm.testbed.SecretFiles;
import io.layerswarm.testbed.Skopeo;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testing.Await;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Fleet preheat with real components: Debian's docker-registry as the origin, trackers with their
 * admin API, a seeder and agents of the built distribution, all under one cluster secret. {@code
 * layerswarm preheat IMAGE --agents} has the agents fetch the image through the swarm; then each
 * agent's pull costs the origin, the seeder and the peers nothing.
 */
class FleetPreheatIT {
  private static final Pattern TRACKER_ADMIN =
      Pattern.compile("layerswarm tracker ready: .* admin (\\S+)");

  private record Agent(int port, Path data) {
    String address() {
      return "127.0.0.1:" + port;
    }

    String metrics() throws IOException, InterruptedException {
      return ClusterBed.get(URI.create("http://" + address() + "/metrics"));
    }

    /** The blobs in its store: an agent's data directory is laid out as a seeder's. */
    Set<String> storedDigests() throws IOException {
      return ClusterBed.heldBlobs(data);
    }
  }

  /**
   * The origin, {@code trackers} tracker replicas (each with its admin API, sharing nothing), a
   * seeder and one agent per entry of {@code zones} ("" for none) polling every replica every 2 s.
   */
  private record Fleet(
      OriginRegistry origin,
      List<String> trackers,
      List<String> admins,
      String seeder,
      List<Agent> agents) {
    static Fleet start(ClusterBed bed, int trackerCount, List<String> zones) throws Exception {
      OriginRegistry origin = bed.track(OriginRegistry.start(bed.work().resolve("origin")));
      Path secret = SecretFiles.clusterSecret(bed.work().resolve("cluster.secret"));
      String cluster = "cluster:\n  secret-file: " + secret + "\n";
      Path members = bed.config("cluster.yaml", cluster);
      int[] ports = FreePorts.pick(trackerCount + 1);
      String seeder = "http://127.0.0.1:" + ports[trackerCount];
      List<String> trackers = new ArrayList<>();
      List<String> admins = new ArrayList<>();
      for (int i = 0; i < trackerCount; i++) {
        trackers.add("http://127.0.0.1:" + ports[i]);
        DaemonProcess tracker =
            bed.daemon(
                "tracker-" + i,
                "tracker",
                "--listen",
                "127.0.0.1:" + ports[i],
                "--seeder",
                seeder,
                "--admin-listen",
                "127.0.0.1:0",
                "--config",
                members.toString());
        Matcher admin = TRACKER_ADMIN.matcher(tracker.output());
        assertThat(admin.find()).as(tracker.outputTail(5)).isTrue();
        admins.add(admin.group(1));
      }
      List<String> seederArgs =
          new ArrayList<>(
              List.of(
                  ClusterBed.seederArgs(
                      ports[trackerCount],
                      bed.work().resolve("seeder"),
                      origin.baseUri().toString(),
                      trackers.toArray(String[]::new))));
      seederArgs.addAll(List.of("--config", members.toString()));
      bed.daemon("seeder", seederArgs.toArray(String[]::new));

      List<Agent> agents = new ArrayList<>();
      int[] agentPorts = FreePorts.pick(zones.size());
      for (int i = 0; i < zones.size(); i++) {
        String zone = zones.get(i).isEmpty() ? "" : "  zone: " + zones.get(i) + "\n";
        Path config =
            bed.config("agent-" + i + ".yaml", cluster + "agent:\n  fleet-poll: 2s\n" + zone);
        Path data = bed.work().resolve("agent-" + i);
        bed.daemon(
            "agent-" + i,
            ClusterBed.agentArgs(
                agentPorts[i],
                data,
                origin.baseUri().toString(),
                trackers,
                "--config",
                config.toString()));
        agents.add(new Agent(agentPorts[i], data));
      }
      for (String tracker : trackers) {
        Await.until(
            tracker + " knows the " + zones.size() + " agents",
            Duration.ofSeconds(30),
            () -> {
              try {
                String text = ClusterBed.get(URI.create(tracker + "/metrics"));
                return ClusterBed.metric(text, "tracker_fleet_agents", "") == zones.size();
              } catch (IOException e) {
                return false;
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
              }
            });
      }
      return new Fleet(origin, trackers, admins, seeder, agents);
    }

    Image push(ClusterBed bed) throws IOException, InterruptedException {
      Image image = bed.image("image", 3, 12L << 20);
      new RegistryPusher(origin.baseUri()).push(image, "team/fleet", "1");
      return image;
    }
  }

  private static CommandResult preheat(String admin, String... more)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(ClusterBed.dist().resolve("bin/layerswarm").toString());
    command.addAll(List.of("preheat", "--agents", "--server", admin, "--progress", "plain"));
    command.addAll(List.of(more));
    command.add("team/fleet:1");
    return CommandResult.run(command, Map.of(), Duration.ofMinutes(4));
  }

  /** What must not move during a pull that finds everything local: bytes in from anywhere. */
  private static double inbound(String metrics) {
    return ClusterBed.metric(metrics, "agent_swarm_bytes_total", "")
        + ClusterBed.metric(metrics, "agent_origin_fallback_bytes_total", "")
        + ClusterBed.metric(metrics, "agent_peer_downloaded_bytes_total", "");
  }

  @Test
  void afterAFleetPreheatEveryAgentPullsWithNoByteFromTheOriginTheSeederOrAPeer() throws Exception {
    try (ClusterBed bed = new ClusterBed(TestbedDirs.create("fleet-preheat"))) {
      Fleet fleet = Fleet.start(bed, 1, List.of("", "", ""));
      Set<String> blobs = ClusterBed.blobDigests(fleet.push(bed));

      CommandResult run = preheat(fleet.admins().get(0), "--max-parallel", "2", "--timeout", "3m");

      assertThat(run.exitCode()).as(run.describe()).isZero();
      assertThat(run.output()).contains("total: 3 done, 0 running, 0 waiting, 0 failed");
      for (Agent agent : fleet.agents()) {
        assertThat(agent.storedDigests()).as("agent on " + agent.address()).containsAll(blobs);
      }
      // Through the swarm: the origin sent each blob to the seeder once, to no agent.
      AccessLog afterPreheat = fleet.origin().accessLog();
      assertThat(afterPreheat.byUserAgentPrefix("layerswarm-agent").blobDownloads()).isEmpty();
      for (String digest : blobs) {
        assertThat(afterPreheat.blobGets(digest)).as("origin GETs of " + digest).isEqualTo(1);
      }

      URI seederMetrics = URI.create(fleet.seeder() + "/metrics");
      double seederUploaded =
          ClusterBed.metric(ClusterBed.get(seederMetrics), "seeder_uploaded_bytes", "");
      for (Agent agent : fleet.agents()) {
        double before = inbound(agent.metrics());
        Skopeo.Result pull =
            ClusterBed.pull(
                agent.address(), "team/fleet", "1", bed.work().resolve("pull-" + agent.port()));
        assertThat(pull.ok()).as(pull.toString()).isTrue();
        assertThat(inbound(agent.metrics())).as("bytes into " + agent.address()).isEqualTo(before);
      }
      assertThat(fleet.origin().accessLog().blobDownloads())
          .hasSameSizeAs(afterPreheat.blobDownloads());
      assertThat(ClusterBed.metric(ClusterBed.get(seederMetrics), "seeder_uploaded_bytes", ""))
          .as("seeder uploads during the pulls")
          .isEqualTo(seederUploaded);
    }
  }

  /**
   * Two tracker replicas that share nothing: a job made on the second reaches the agents, which
   * poll both; {@code --zone a} leaves the agent of zone b alone.
   */
  @Test
  void aJobOnEitherReplicaReachesTheAgentsOfItsZoneOnly() throws Exception {
    try (ClusterBed bed = new ClusterBed(TestbedDirs.create("fleet-replicas"))) {
      Fleet fleet = Fleet.start(bed, 2, List.of("a", "a", "b"));
      Set<String> blobs = ClusterBed.blobDigests(fleet.push(bed));

      CommandResult run = preheat(fleet.admins().get(1), "--zone", "a", "--timeout", "3m");

      assertThat(run.exitCode()).as(run.describe()).isZero();
      assertThat(run.output()).contains("total: 2 done, 0 running, 0 waiting, 0 failed");
      assertThat(fleet.agents().get(0).storedDigests()).containsAll(blobs);
      assertThat(fleet.agents().get(1).storedDigests()).containsAll(blobs);
      assertThat(fleet.agents().get(2).storedDigests()).doesNotContainAnyElementsOf(blobs);
    }
  }
}
