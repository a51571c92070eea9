package io.layerswarm.sim.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.layerswarm.sim.net.NetworkOptions;
import io.layerswarm.sim.scenario.Scenario;
import io.layerswarm.sim.scenario.ScenarioRun;
import io.layerswarm.swarm.torrent.TorrentPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {
  @TempDir Path dir;

  private static Scenario tiny(int hosts) {
    return new Scenario(
        hosts,
        List.of(1024L * 1024),
        0,
        100_000_000,
        Duration.ofNanos(50_000),
        1,
        true,
        100_000_000,
        Duration.ZERO,
        0,
        1,
        0,
        0,
        true,
        500e6,
        true,
        0,
        Duration.ZERO,
        1,
        0,
        1,
        TorrentPolicy.DEFAULTS,
        TorrentPolicy.DEFAULTS,
        NetworkOptions.DEFAULT,
        1);
  }

  @Test
  void aSweepIsWrittenAsMarkdownJsonAndTwoPlotsWithTheCommand() throws Exception {
    List<RunResult> runs = List.of(ScenarioRun.run(tiny(2)), ScenarioRun.run(tiny(4)));

    String md =
        new Report("Tiny", "bench/swarm-sim --hosts 2,4", Map.of("commit", "abc1234"), runs)
            .write(dir.resolve("sim-test"));

    assertThat(md).contains("bench/swarm-sim --hosts 2,4").contains("commit: abc1234");
    assertThat(md)
        .containsPattern("\\| 2 \\| [0-9.]+ \\|")
        .containsPattern("\\| 4 \\| [0-9.]+ \\|");
    assertThat(Files.readString(dir.resolve("sim-test.md"))).isEqualTo(md);
    JsonNode json = new ObjectMapper().readTree(dir.resolve("sim-test.json").toFile());
    assertThat(json.get("command").asText()).isEqualTo("bench/swarm-sim --hosts 2,4");
    assertThat(json.get("runs")).hasSize(2);
    assertThat(json.get("runs").get(1).get("hosts")).hasSize(4);
    assertThat(json.get("runs").get(0).get("scenario").get("latency").asText())
        .isEqualTo("PT0.00005S");
    for (String png : List.of("sim-test-cdf.png", "sim-test-tn.png")) {
      byte[] bytes = Files.readAllBytes(dir.resolve(png));
      assertThat(bytes).hasSizeGreaterThan(1000);
      assertThat(new String(bytes, 1, 3, java.nio.charset.StandardCharsets.US_ASCII))
          .isEqualTo("PNG");
    }
  }

  @Test
  void percentilesAreNearestRank() {
    double[] sorted = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};

    assertThat(RunResult.percentile(sorted, 50)).isEqualTo(5);
    assertThat(RunResult.percentile(sorted, 90)).isEqualTo(9);
    assertThat(RunResult.percentile(sorted, 99)).isEqualTo(10);
    assertThat(RunResult.percentile(sorted, 100)).isEqualTo(10);
    assertThat(RunResult.percentile(new double[0], 50)).isNaN();
  }
}
