package io.layerswarm.sim.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The streamed sha256 in virtual time, at 1 byte per nanosecond (1 GB/s). */
class StreamedHashTest {
  private static final double RATE = 1e9;

  @Test
  void aPrefixArrivingSlowerThanTheHashLeavesOnlyTheLastStepAfterTheDownload() {
    StreamedHash hash = new StreamedHash(RATE, 0);
    long now = 0;
    for (long bytes = 1_000; bytes <= 10_000; bytes += 1_000) {
      now += 10_000;
      hash.prefix(bytes, now);
    }

    assertThat(hash.hashed(now)).isEqualTo(9_000);
    assertThat(hash.remainingNanos(10_000, now)).isEqualTo(1_000);
  }

  @Test
  void aPrefixThatOnlyGrowsAtTheEndLeavesTheWholeBlob() {
    // The first piece came last: nothing could be hashed before, and idle time is not banked.
    StreamedHash hash = new StreamedHash(RATE, 0);

    hash.prefix(10_000, 1_000_000);

    assertThat(hash.remainingNanos(10_000, 1_000_000)).isEqualTo(10_000);
  }

  @Test
  void aHashSlowerThanTheDownloadIsBehindByWhatItCouldNotDo() {
    StreamedHash hash = new StreamedHash(RATE / 10, 0); // 0.1 byte per ns
    hash.prefix(5_000, 0);
    hash.prefix(10_000, 20_000); // hashed 2,000 by then

    assertThat(hash.hashed(20_000)).isEqualTo(2_000);
    assertThat(hash.remainingNanos(10_000, 30_000)).isEqualTo(70_000);
  }

  @Test
  void withoutAnyPrefixTheWholeBlobIsLeft() {
    StreamedHash hash = new StreamedHash(RATE, 0);

    assertThat(hash.remainingNanos(4_000, 50_000)).isEqualTo(4_000);
  }
}
