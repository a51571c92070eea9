package io.layerswarm.testbed.trackerload;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class TrackerBenchMainTest {

  @Test
  void flagsAndValuedOptionsAreTakenInAnyOrder() {
    TrackerBench.Options o =
        TrackerBenchMain.parse(
            new String[] {
              "--connection-per-announce", "--targets", "memory", "--smoke", "--hosts", "300"
            });

    assertThat(o.connectionPerAnnounce()).isTrue();
    assertThat(o.smoke()).isTrue();
    assertThat(o.targets()).containsExactly("memory");
    assertThat(o.workload().hosts()).isEqualTo(300);
    assertThat(o.workload().layers()).isEqualTo(4);
  }

  @Test
  void theDefaultsAreTheIssuesFleet() {
    TrackerBench.Options o = TrackerBenchMain.parse(new String[0]);

    assertThat(o.workload().hosts()).isEqualTo(10_000);
    assertThat(o.workload().layers()).isEqualTo(15);
    assertThat(o.steadyRate()).isEqualTo(5_000);
    assertThat(o.connectionPerAnnounce()).isFalse();
    assertThat(o.targets()).containsExactly("memory", "redis", "opentracker");
  }

  @Test
  void anUnknownOptionOrTargetIsAUsageError() {
    assertThatThrownBy(() -> TrackerBenchMain.parse(new String[] {"--fast"}))
        .hasMessageContaining("unknown option --fast");
    assertThatThrownBy(() -> TrackerBenchMain.parse(new String[] {"--targets", "chihaya"}))
        .hasMessageContaining("unknown target chihaya");
    assertThatThrownBy(() -> TrackerBenchMain.parse(new String[] {"--max-s", "601"}))
        .hasMessageContaining("600");
  }
}
