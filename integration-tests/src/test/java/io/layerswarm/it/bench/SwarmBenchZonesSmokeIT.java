package io.layerswarm.it.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.testbed.TestbedDirs;
import io.layerswarm.testbed.netns.NetnsTopology;
import io.layerswarm.testbed.netns.SwarmBenchMain;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bench/swarm-bench --smoke --zones 2} through its Java entry point: 3 hosts in two zones
 * (h1, h3 with the seeder in zone A, h2 in zone B behind a 25 Mbit/s link), a 16 MiB image, the
 * pre-heated swarm without and with {@code agent.zone}/{@code seeder.zone}. No timing or ratio
 * assertions: every host gets every digest in both phases, and the zone link's counters saw the
 * image cross to zone B at least once (every byte starts in zone A). Needs root.
 */
class SwarmBenchZonesSmokeIT {

  @Test
  @Timeout(600)
  void bothPhasesFillEveryHostAndTheZoneLinkCountsTheImageCrossingToZoneB() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "network namespaces need root");
    Path dist =
        Path.of(System.getProperty("layerswarm.dist", "../cli/target/layerswarm")).toAbsolutePath();
    Path work = TestbedDirs.create("swarm-bench-zones");
    Path results = work.resolve("results");

    int code =
        SwarmBenchMain.run(
            new String[] {
              "--smoke",
              "--zones",
              "2",
              "--dist",
              dist.toString(),
              "--work",
              work.resolve("run").toString(),
              "--results",
              results.toString(),
              "--label",
              "swarm-zones-smoke",
              "--command",
              "SwarmBenchZonesSmokeIT: bench/swarm-bench --smoke --zones 2"
            },
            System.out);

    assertThat(code).as("swarm-bench --smoke --zones 2 exit code (report in %s)", results).isZero();
    JsonNode report =
        new ObjectMapper().readTree(results.resolve("swarm-zones-smoke.json").toFile());
    long imageBytes = report.path("image").path("blob_bytes_S").asLong();
    assertThat(report.path("parameters").path("cross_zone_mbit").asLong()).isEqualTo(25);
    JsonNode phases = report.path("phases");
    assertThat(phases).hasSize(2);
    assertThat(phases.get(0).path("method").asText()).isEqualTo("layerswarm-warm");
    assertThat(phases.get(1).path("method").asText()).isEqualTo("layerswarm-zones");
    for (JsonNode phase : phases) {
      String what = phase.path("method").asText();
      assertThat(phase.path("all_ok").asBoolean()).as("%s: %s", what, phase.path("error")).isTrue();
      assertThat(phase.path("details").path("cross_zone_bytes_a_to_b").asLong())
          .as("%s: bytes from zone A to h2 in zone B", what)
          .isGreaterThanOrEqualTo(imageBytes);
    }
    List<String> left =
        NetnsTopology.list().stream()
            .filter(ns -> ns.startsWith(NetnsTopology.defaultPrefix() + "-"))
            .toList();
    assertThat(left).as("namespaces left behind").isEmpty();
  }
}
