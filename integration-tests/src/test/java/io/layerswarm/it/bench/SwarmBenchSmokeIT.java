package io.layerswarm.it.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testbed.netns.Commands;
import io.layerswarm.testbed.netns.NetnsTopology;
import io.layerswarm.testbed.netns.SwarmBenchMain;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bench/swarm-bench --smoke} through its Java entry point: 3 hosts in network namespaces, a
 * 16 MiB image in 2 layers, every link capped at 100 Mbit/s; direct, cache tree, LayerSwarm with a
 * cold and with a pre-heated seeder, and aria2c with opentracker. No timing assertions: every host
 * must get every digest with every method and receive at least S on its link, a pre-loaded seed
 * must send at least S (nobody else has the blobs), and the origin must send LayerSwarm at most
 * 1.05 x the image (one seeder). Needs root for the namespaces. The script's build is the one
 * EngineBenchSmokeIT runs from a clean copy.
 */
class SwarmBenchSmokeIT {

  @Test
  @Timeout(600)
  void smokeEveryHostGetsEveryDigestAndTheOriginSendsTheImageOnceForLayerSwarm() throws Exception {
    assumeTrue(
        Commands.installed("aria2c") && Commands.installed("opentracker"), "aria2, opentracker");
    assumeTrue("root".equals(System.getProperty("user.name")), "network namespaces need root");
    Path dist =
        Path.of(System.getProperty("layerswarm.dist", "../cli/target/layerswarm")).toAbsolutePath();
    Path work = TestbedDirs.create("swarm-bench");
    Path results = work.resolve("results");

    int code =
        SwarmBenchMain.run(
            new String[] {
              "--smoke",
              "--dist",
              dist.toString(),
              "--work",
              work.resolve("run").toString(),
              "--results",
              results.toString(),
              "--label",
              "swarm-smoke",
              "--command",
              "SwarmBenchSmokeIT: bench/swarm-bench --smoke"
            },
            System.out);

    assertThat(code).as("swarm-bench --smoke exit code (report in %s)", results).isZero();
    JsonNode report = new ObjectMapper().readTree(results.resolve("swarm-smoke.json").toFile());
    long imageBytes = report.path("image").path("blob_bytes_S").asLong();
    JsonNode phases = report.path("phases");
    assertThat(phases).hasSize(5);
    for (JsonNode phase : phases) {
      String what = phase.path("method").asText() + " N=" + phase.path("hosts").asInt();
      assertThat(phase.path("all_ok").asBoolean()).as("%s: %s", what, phase.path("error")).isTrue();
      assertThat(phase.path("pulls")).as(what).hasSize(3);
      for (JsonNode pull : phase.path("pulls")) {
        assertThat(pull.path("rx_bytes").asLong())
            .as("%s: %s received", what, pull.path("host").asText())
            .isGreaterThanOrEqualTo(imageBytes);
      }
      if (phase.path("method").asText().equals("aria2c")
          || phase.path("method").asText().equals("layerswarm-warm")) {
        assertThat(phase.path("seed_tx_bytes").asLong())
            .as("%s: the only holder of the blobs sends each at least once", what)
            .isGreaterThanOrEqualTo(imageBytes);
        assertThat(phase.path("cpu_seconds_pull_by_role").has("agents")).as(what).isTrue();
      }
      if (phase.path("method").asText().startsWith("layerswarm")) {
        long origin =
            phase.path("origin_blob_bytes").asLong()
                + phase.path("details").path("prewarm_origin_blob_bytes").asLong(0);
        assertThat(origin)
            .as("%s: origin blob bytes", what)
            .isLessThanOrEqualTo((long) (1.05 * imageBytes));
      }
    }
    assertThat(Files.exists(results.resolve("swarm-smoke.md"))).isTrue();
    // Nothing of ours is left behind.
    List<String> left =
        NetnsTopology.list().stream()
            .filter(ns -> ns.startsWith(NetnsTopology.defaultPrefix() + "-"))
            .toList();
    assertThat(left).as("namespaces left behind").isEmpty();
  }
}
