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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Fleet preheat with real components: Debian's docker-registry as the origin, a tracker with its
 * admin API, a seeder and three agents of the built distribution, all under one cluster secret.
 * {@code layerswarm preheat IMAGE --agents} has every agent fetch the image through the swarm; then
 * each agent's pull costs the origin, the seeder and the peers nothing.
 */
class FleetPreheatIT {
  private static final Pattern TRACKER_ADMIN =
      Pattern.compile("layerswarm tracker ready: .* admin (\\S+)");
  private static final int AGENTS = 3;

  private record Agent(int port, Path data) {
    String address() {
      return "127.0.0.1:" + port;
    }

    String metrics() throws IOException, InterruptedException {
      return ClusterBed.get(URI.create("http://" + address() + "/metrics"));
    }

    Set<String> storedDigests() throws IOException {
      Path blobs = data.resolve("blobs/sha256");
      Set<String> digests = new TreeSet<>();
      if (Files.isDirectory(blobs)) {
        try (Stream<Path> files = Files.list(blobs)) {
          files.forEach(f -> digests.add("sha256:" + f.getFileName()));
        }
      }
      return digests;
    }
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
      OriginRegistry origin = bed.track(OriginRegistry.start(bed.work().resolve("origin")));
      Path secret = SecretFiles.clusterSecret(bed.work().resolve("cluster.secret"));
      String cluster = "cluster:\n  secret-file: " + secret + "\n";
      Path members = bed.config("cluster.yaml", cluster);
      int[] ports = FreePorts.pick(2);
      String tracker = "http://127.0.0.1:" + ports[0];
      String seederUrl = "http://127.0.0.1:" + ports[1];
      DaemonProcess trackerProcess =
          bed.daemon(
              "tracker",
              "tracker",
              "--listen",
              "127.0.0.1:" + ports[0],
              "--seeder",
              seederUrl,
              "--admin-listen",
              "127.0.0.1:0",
              "--config",
              members.toString());
      Matcher admin = TRACKER_ADMIN.matcher(trackerProcess.output());
      assertThat(admin.find()).as(trackerProcess.outputTail(5)).isTrue();
      List<String> seederArgs =
          new ArrayList<>(
              List.of(
                  ClusterBed.seederArgs(
                      ports[1],
                      bed.work().resolve("seeder"),
                      origin.baseUri().toString(),
                      tracker)));
      seederArgs.addAll(List.of("--config", members.toString()));
      bed.daemon("seeder", seederArgs.toArray(String[]::new));

      Path agentConfig = bed.config("agent.yaml", cluster + "agent:\n  fleet-poll: 2s\n");
      List<Agent> agents = new ArrayList<>();
      int[] agentPorts = FreePorts.pick(AGENTS);
      for (int i = 0; i < AGENTS; i++) {
        Path data = bed.work().resolve("agent-" + i);
        bed.daemon(
            "agent-" + i,
            ClusterBed.agentArgs(
                agentPorts[i],
                data,
                origin.baseUri().toString(),
                List.of(tracker),
                "--config",
                agentConfig.toString()));
        agents.add(new Agent(agentPorts[i], data));
      }
      Await.until(
          "the tracker knows the " + AGENTS + " agents",
          Duration.ofSeconds(30),
          () -> {
            try {
              String text = ClusterBed.get(URI.create(tracker + "/metrics"));
              return ClusterBed.metric(text, "tracker_fleet_agents", "") == AGENTS;
            } catch (IOException e) {
              return false;
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              return false;
            }
          });

      Image image = bed.image("image", 3, 12L << 20);
      new RegistryPusher(origin.baseUri()).push(image, "team/fleet", "1");
      Set<String> blobs = ClusterBed.blobDigests(image);

      List<String> command = new ArrayList<>();
      command.add(ClusterBed.dist().resolve("bin/layerswarm").toString());
      command.addAll(
          List.of(
              "preheat",
              "--agents",
              "--server",
              admin.group(1),
              "--max-parallel",
              "2",
              "--timeout",
              "3m",
              "--progress",
              "plain",
              "team/fleet:1"));
      CommandResult preheat = CommandResult.run(command, Map.of(), Duration.ofMinutes(4));

      assertThat(preheat.exitCode()).as(preheat.describe()).isZero();
      assertThat(preheat.output()).contains("total: 3 done, 0 running, 0 waiting, 0 failed");
      for (Agent agent : agents) {
        assertThat(agent.storedDigests()).as("agent on " + agent.address()).containsAll(blobs);
      }
      // Through the swarm: the origin sent each blob to the seeder once, to no agent.
      AccessLog afterPreheat = origin.accessLog();
      assertThat(afterPreheat.byUserAgentPrefix("layerswarm-agent").blobDownloads()).isEmpty();
      for (String digest : blobs) {
        assertThat(afterPreheat.blobGets(digest)).as("origin GETs of " + digest).isEqualTo(1);
      }

      String seederMetrics = ClusterBed.get(URI.create(seederUrl + "/metrics"));
      double seederUploaded = ClusterBed.metric(seederMetrics, "seeder_uploaded_bytes", "");
      for (Agent agent : agents) {
        double before = inbound(agent.metrics());
        Skopeo.Result pull =
            ClusterBed.pull(
                agent.address(), "team/fleet", "1", bed.work().resolve("pull-" + agent.port()));
        assertThat(pull.ok()).as(pull.toString()).isTrue();
        assertThat(inbound(agent.metrics())).as("bytes into " + agent.address()).isEqualTo(before);
      }
      assertThat(origin.accessLog().blobDownloads()).hasSameSizeAs(afterPreheat.blobDownloads());
      assertThat(
              ClusterBed.metric(
                  ClusterBed.get(URI.create(seederUrl + "/metrics")), "seeder_uploaded_bytes", ""))
          .as("seeder uploads during the pulls")
          .isEqualTo(seederUploaded);
    }
  }
}
