package io.layerswarm.tracker.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FleetSpecTest {
  private static FleetSpec spec(
      String image, String platform, String zone, int parallel, Duration t) {
    return new FleetSpec(
        image,
        Optional.ofNullable(platform),
        Optional.ofNullable(zone),
        Optional.empty(),
        parallel,
        t);
  }

  @Test
  void theImageIsNormalisedAsAgentsParseIt() {
    FleetSpec spec =
        spec(" registry.test:5000/team/app:1 ", "linux/arm64/v8", "eu-1", 4, Duration.ofMinutes(5));

    assertThat(spec.image()).isEqualTo("registry.test:5000/team/app:1");
    assertThat(spec.platform()).contains("linux/arm64/v8");
    assertThat(spec.selector()).isEqualTo("zone eu-1");
  }

  @Test
  void eachBadFieldIsRefusedByName() {
    Duration t = Duration.ofMinutes(5);
    assertThatThrownBy(() -> spec("Bad Image!", null, null, 1, t)).hasMessageStartingWith("image:");
    assertThatThrownBy(() -> spec("app:1", "linux", null, 1, t))
        .hasMessageStartingWith("platform:");
    assertThatThrownBy(() -> spec("app:1", null, "a zone", 1, t)).hasMessageContaining("zone");
    assertThatThrownBy(() -> spec("app:1", null, null, 0, t)).hasMessageContaining("max_parallel");
    assertThatThrownBy(() -> spec("app:1", null, null, 1, Duration.ofHours(25)))
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> spec("a".repeat(600), null, null, 1, t)).hasMessageContaining("512");
  }
}
