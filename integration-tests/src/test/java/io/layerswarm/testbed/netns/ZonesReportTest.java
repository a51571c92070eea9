package io.layerswarm.testbed.netns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ZonesReportTest {
  static final long S = SwarmBenchTargetsTest.S;

  @TempDir Path dir;

  private SwarmBench.Options options(String... args) throws Exception {
    Path launcher = Files.createDirectories(dir.resolve("bin")).resolve("layerswarm");
    Files.writeString(launcher, "#!/bin/sh\n");
    launcher.toFile().setExecutable(true);
    String[] all = new String[args.length + 4];
    System.arraycopy(args, 0, all, 0, args.length);
    all[args.length] = "--dist";
    all[args.length + 1] = dir.toString();
    all[args.length + 2] = "--work";
    all[args.length + 3] = dir.toString();
    return SwarmBenchMain.parse(all, new PrintStream(PrintStream.nullOutputStream()));
  }

  private static SwarmBench.PhaseResult phase(String method, int n, long aToB, long bToA) {
    return SwarmBenchTargetsTest.phaseResult(
        method,
        n,
        List.of(),
        10,
        S,
        Map.of("cross_zone_bytes_a_to_b", aToB, "cross_zone_bytes_b_to_a", bToA));
  }

  @Test
  void twoZonesRunTheWarmSwarmWithoutAndWithZonesAndCapTheLinkAtAQuarterOfD() throws Exception {
    SwarmBench.Options o = options("--zones", "2", "--rate-mbit", "100");

    assertThat(o.methods())
        .containsExactly(SwarmBench.Method.LAYERSWARM_WARM, SwarmBench.Method.LAYERSWARM_ZONES);
    assertThat(o.crossZoneMbit()).isEqualTo(25);
    assertThat(o.label()).contains("-zones");
    assertThat(options().methods()).doesNotContain(SwarmBench.Method.LAYERSWARM_ZONES);
    assertThat(options().zoned()).isFalse();
  }

  @Test
  void theZonesMethodNeedsTwoZonesAndTheLinkNeedsThem() {
    assertThatThrownBy(() -> options("--methods", "layerswarm-zones"))
        .hasMessageContaining("--zones 2");
    assertThatThrownBy(() -> options("--cross-zone-mbit", "10")).hasMessageContaining("--zones 2");
  }

  @Test
  void hostsAlternateBetweenTheZonesAndTheInfrastructureIsInZoneA() {
    assertThat(SwarmBench.Options.zoneOf("h1")).isEqualTo("zone-a");
    assertThat(SwarmBench.Options.zoneOf("h2")).isEqualTo("zone-b");
    assertThat(SwarmBench.Options.zoneOf("h15")).isEqualTo("zone-a");
    assertThat(SwarmBench.Options.zoneOf("seeder")).isEqualTo("zone-a");
  }

  @Test
  void theTableGivesTheBytesAcrossInEachDirectionAndTheirSumOverS() throws Exception {
    SwarmBench.Options o = options("--zones", "2", "--hosts", "4");
    SwarmBench.Result r =
        new SwarmBench.Result(
            o,
            Instant.EPOCH,
            Instant.EPOCH,
            "sha256:m",
            List.of(),
            List.of(),
            List.of(),
            S,
            Map.of(),
            List.of(
                phase("layerswarm-warm", 4, 3 * S, S / 2), phase("layerswarm-zones", 4, S, S / 4)),
            List.of());

    String md = ZonesReport.markdown(r, "x.png");

    assertThat(md)
        .contains("![bytes between the zones against N](x.png)")
        .contains("| 4 | layerswarm-warm | 96.0 | 16.0 | 3.50 |")
        .contains("| 4 | layerswarm-zones | 32.0 | 8.0 | 1.25 |");
  }

  @Test
  void aRunInOneZoneHasNoZonesSection() throws Exception {
    SwarmBench.Result r =
        new SwarmBench.Result(
            options(),
            Instant.EPOCH,
            Instant.EPOCH,
            "sha256:m",
            List.of(),
            List.of(),
            List.of(),
            S,
            Map.of(),
            List.of(),
            List.of());

    assertThat(ZonesReport.markdown(r, "x.png")).isEmpty();
    assertThat(ZonesReport.crossBytes(phase("layerswarm-warm", 2, 5, 7))).isEqualTo(12);
  }
}
