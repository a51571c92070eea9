package io.layerswarm.swarm.peer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateMeterTest {
  @Test
  void theRateIsZeroBeforeTheFirstTick() {
    RateMeter meter = new RateMeter();
    meter.add(1000);

    assertThat(meter.rate()).isZero();
  }

  @Test
  void eachTickFoldsTheNewBytesInAtHalfWeight() {
    RateMeter meter = new RateMeter();

    meter.add(1000);
    meter.tick(1.0);
    assertThat(meter.rate()).isEqualTo(500.0);

    meter.add(1000);
    meter.tick(1.0);
    assertThat(meter.rate()).isEqualTo(750.0);

    meter.tick(0.5); // nothing in half a second
    assertThat(meter.rate()).isEqualTo(375.0);
  }

  @Test
  void theRateIsPerSecondOfTheTickNotPerTick() {
    RateMeter meter = new RateMeter();

    meter.add(4000);
    meter.tick(2.0);

    assertThat(meter.rate()).isEqualTo(1000.0);
  }
}
