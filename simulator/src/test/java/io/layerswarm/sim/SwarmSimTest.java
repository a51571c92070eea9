package io.layerswarm.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SwarmSimTest {
  @Test
  void sizesTakeDecimalAndBinaryUnits() {
    assertThat(SwarmSim.bytes("700MB")).isEqualTo(700_000_000L);
    assertThat(SwarmSim.bytes("32MiB")).isEqualTo(32L * 1024 * 1024);
    assertThat(SwarmSim.bytes("1.5 GiB")).isEqualTo(3L * 512 * 1024 * 1024);
    assertThat(SwarmSim.bytes("913B")).isEqualTo(913);
    assertThat(SwarmSim.bytes("12345")).isEqualTo(12345);
    assertThatThrownBy(() -> SwarmSim.bytes("lots")).isInstanceOf(NumberFormatException.class);
  }
}
