package io.layerswarm.core.disk;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The free-space floor and its limits, with plain numbers. */
class FreeSpaceFloorTest {
  /** A file system of {@code total} bytes with {@code usable} free. */
  private static DiskSpace disk(long total, long usable) {
    return new DiskSpace() {
      @Override
      public long usableBytes() {
        return usable;
      }

      @Override
      public long totalBytes() {
        return total;
      }
    };
  }

  @Test
  void aShareIsResolvedAgainstTheFileSystemsSizeAndBytesStayBytes() {
    assertThat(SpaceLimit.ofPercent(10).resolve(1_000_000)).isEqualTo(100_000);
    assertThat(SpaceLimit.ofPercent(10).resolve(Long.MAX_VALUE)).isPositive();
    assertThat(SpaceLimit.ofBytes(5_000).resolve(1_000_000)).isEqualTo(5_000);
    assertThat(SpaceLimit.OFF.resolve(1_000_000)).isZero();
    assertThat(SpaceLimit.ofPercent(10)).hasToString("10%");
    assertThat(SpaceLimit.ofBytes(5_000)).hasToString("5000");
  }

  @Test
  void aLimitIsBytesOrAShareWithinBounds() {
    assertThatThrownBy(() -> new SpaceLimit(-1, 0)).hasMessageContaining(">= 0 bytes");
    assertThatThrownBy(() -> new SpaceLimit(0, 101)).hasMessageContaining("0..100%");
    assertThatThrownBy(() -> new SpaceLimit(1, 10)).hasMessageContaining("not both");
  }

  @Test
  void whatMustBeFreedIsTheFloorPlusTheIncomingBytesMinusWhatIsFree() {
    FreeSpaceFloor floor = new FreeSpaceFloor(SpaceLimit.ofPercent(10));
    DiskSpace disk = disk(1_000, 150);

    assertThat(floor.bytesToFree(disk, 0)).isZero();
    assertThat(floor.bytesToFree(disk, 50)).isZero();
    assertThat(floor.fits(disk, 50)).isTrue();
    assertThat(floor.bytesToFree(disk, 80)).isEqualTo(30);
    assertThat(floor.fits(disk, 80)).isFalse();
    assertThat(floor.bytesToFree(disk(1_000, 40), 0)).isEqualTo(60);
  }

  @Test
  void anOffFloorKeepsNothingFree() {
    FreeSpaceFloor off = new FreeSpaceFloor(SpaceLimit.OFF);

    assertThat(off.bytesToFree(disk(1_000, 0), 0)).isZero();
    assertThat(off.fits(disk(1_000, 10), 10)).isTrue();
    assertThat(off.fits(disk(1_000, 10), 11)).isFalse();
  }
}
