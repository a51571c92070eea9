package io.layerswarm.seeder.evict;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EvictionPolicyTest {
  private static final Instant NOW = Instant.parse("2025-06-01T12:00:00Z");
  private static final Duration HOUR = Duration.ofHours(1);

  private static Digest digest(String name) {
    return Digest.sha256(name.getBytes());
  }

  /** A blob named {@code name}, of {@code size} bytes, last used {@code idle} ago. */
  private static BlobUsage blob(String name, long size, Duration idle, boolean busy) {
    return new BlobUsage(digest(name), size, NOW.minus(idle), busy);
  }

  private static List<Digest> chosen(List<BlobUsage> blobs, EvictionSettings settings) {
    List<Digest> digests = new ArrayList<>();
    EvictionPolicy.select(blobs, settings, NOW).forEach(e -> digests.add(e.digest()));
    return digests;
  }

  private static EvictionSettings idle(Duration timeToIdle) {
    return new EvictionSettings(0, 0, timeToIdle, Duration.ofMinutes(2));
  }

  private static EvictionSettings watermarks(long high, long low) {
    return new EvictionSettings(high, low, Duration.ZERO, Duration.ofMinutes(2));
  }

  @Test
  void nothingIsEvictedWhenEvictionIsOff() {
    List<BlobUsage> blobs = List.of(blob("a", 100, Duration.ofDays(30), false));

    assertThat(EvictionPolicy.select(blobs, EvictionSettings.off(), NOW)).isEmpty();
  }

  @Test
  void blobsIdleForTheTimeToIdleAreEvictedAndFresherOnesStay() {
    List<BlobUsage> blobs =
        List.of(
            blob("old", 10, HOUR.plusSeconds(1), false),
            blob("exactly", 10, HOUR, false),
            blob("fresh", 10, HOUR.minusSeconds(1), false));

    List<Eviction> evictions = EvictionPolicy.select(blobs, idle(HOUR), NOW);

    assertThat(evictions)
        .extracting(Eviction::digest)
        .containsExactly(digest("old"), digest("exactly"));
    assertThat(evictions).allMatch(e -> e.reason() == Eviction.Reason.IDLE && e.sizeBytes() == 10);
  }

  @Test
  void aBusyBlobIsNeverEvictedHoweverIdleItLooks() {
    List<BlobUsage> blobs =
        List.of(
            blob("uploading", 10, Duration.ofDays(3), true),
            blob("idle", 10, Duration.ofDays(3), false));

    assertThat(chosen(blobs, idle(HOUR))).containsExactly(digest("idle"));
    assertThat(chosen(blobs, watermarks(5, 1))).containsExactly(digest("idle"));
  }

  @Test
  void aboveTheHighWatermarkTheLeastRecentlyUsedGoUntilTheLowWatermarkIsReached() {
    List<BlobUsage> blobs =
        List.of(
            blob("newest", 30, Duration.ofMinutes(10), false),
            blob("oldest", 30, Duration.ofMinutes(50), false),
            blob("middle", 30, Duration.ofMinutes(30), false),
            blob("older", 30, Duration.ofMinutes(40), false));
    // 120 held, high 100: go down to 60, which takes the two least recently used.

    List<Eviction> evictions = EvictionPolicy.select(blobs, watermarks(100, 60), NOW);

    assertThat(evictions)
        .extracting(Eviction::digest)
        .containsExactly(digest("oldest"), digest("older"));
    assertThat(evictions).allMatch(e -> e.reason() == Eviction.Reason.DISK);
  }

  @Test
  void atOrBelowTheHighWatermarkNothingIsEvictedForSpace() {
    List<BlobUsage> blobs =
        List.of(blob("a", 50, Duration.ofDays(1), false), blob("b", 50, Duration.ofDays(2), false));

    assertThat(chosen(blobs, watermarks(100, 10))).isEmpty();
  }

  @Test
  void busyBlobsCountTowardsTheWatermarkSoMoreIdleOnesGo() {
    List<BlobUsage> blobs =
        List.of(
            blob("busy", 80, Duration.ofDays(9), true),
            blob("a", 20, Duration.ofHours(3), false),
            blob("b", 20, Duration.ofHours(2), false));

    // 120 held, low 90: everything idle goes and it still ends above (80 busy).
    assertThat(chosen(blobs, watermarks(100, 90))).containsExactly(digest("a"), digest("b"));
  }

  @Test
  void blobsUsedWithinTheGracePeriodAreNotEvictedForSpace() {
    List<BlobUsage> blobs =
        List.of(
            blob("old", 50, Duration.ofHours(1), false),
            blob("just-served", 50, Duration.ofSeconds(30), false));

    assertThat(chosen(blobs, watermarks(60, 10))).containsExactly(digest("old"));
  }

  @Test
  void idleEvictionsCountBeforeTheWatermarkIsChecked() {
    List<BlobUsage> blobs =
        List.of(
            blob("idle", 100, Duration.ofDays(2), false),
            blob("recent", 50, Duration.ofMinutes(30), false));
    EvictionSettings both =
        new EvictionSettings(120, 60, Duration.ofDays(1), Duration.ofMinutes(2));

    List<Eviction> evictions = EvictionPolicy.select(blobs, both, NOW);

    // Without "idle" 50 are held, below the high watermark: "recent" stays.
    assertThat(evictions).extracting(Eviction::digest).containsExactly(digest("idle"));
  }

  @Test
  void equalLastUseIsBrokenByDigestSoTheChoiceIsDeterministic() {
    List<BlobUsage> blobs = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      blobs.add(blob("b" + i, 10, Duration.ofHours(1), false));
    }
    List<Digest> first = chosen(blobs, watermarks(50, 50));
    java.util.Collections.reverse(blobs);

    assertThat(chosen(blobs, watermarks(50, 50))).hasSize(5).isEqualTo(first);
  }

  @Test
  void aLastUseInTheFutureCountsAsJustNow() {
    List<BlobUsage> blobs = List.of(new BlobUsage(digest("f"), 10, NOW.plusSeconds(60), false));

    assertThat(chosen(blobs, idle(Duration.ofSeconds(1)))).isEmpty();
  }

  @Test
  void shortOfTheFreeSpaceFloorTheLeastRecentlyUsedIdleBlobsGoUntilEnoughIsFreed() {
    List<BlobUsage> blobs =
        List.of(
            blob("oldest", 400, Duration.ofDays(3), false),
            blob("busy", 900, Duration.ofDays(9), true),
            blob("middle", 300, Duration.ofDays(2), false),
            blob("just used", 500, Duration.ofSeconds(10), false));

    List<Eviction> evictions = EvictionPolicy.select(blobs, EvictionSettings.off(), NOW, 500);

    assertThat(evictions)
        .extracting(Eviction::digest)
        .containsExactly(digest("oldest"), digest("middle"));
    assertThat(evictions).allMatch(e -> e.reason() == Eviction.Reason.FREE_SPACE);
    assertThat(EvictionPolicy.select(blobs, EvictionSettings.off(), NOW, 10_000))
        .as("never a busy blob, never one used within the grace period")
        .extracting(Eviction::digest)
        .containsExactly(digest("oldest"), digest("middle"));
  }
}
