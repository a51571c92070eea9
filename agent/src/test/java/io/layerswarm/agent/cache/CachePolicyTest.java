package io.layerswarm.agent.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.agent.cache.CacheEntry.Hold;
import io.layerswarm.agent.cache.CachePolicy.Eviction;
import io.layerswarm.agent.cache.CachePolicy.Reason;
import io.layerswarm.core.Digest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.junit.jupiter.api.Test;

/** The eviction decision with plain numbers and fixed instants. */
class CachePolicyTest {
  private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

  private static Digest digest(String name) {
    return Digest.sha256(name.getBytes(StandardCharsets.UTF_8));
  }

  private static CacheEntry entry(String name, long size, int minutesAgo) {
    return held(name, size, minutesAgo, Hold.NONE);
  }

  private static CacheEntry inUse(String name, long size, int minutesAgo) {
    return held(name, size, minutesAgo, Hold.IN_USE);
  }

  private static CacheEntry held(String name, long size, int minutesAgo, Hold hold) {
    return new CacheEntry(digest(name), size, NOW.minus(Duration.ofMinutes(minutesAgo)), hold);
  }

  private static List<Digest> evicted(CachePolicy policy, List<CacheEntry> entries) {
    return policy.evictions(entries, NOW).stream().map(Eviction::digest).toList();
  }

  @Test
  void belowTheHighWatermarkNothingIsEvicted() {
    CachePolicy policy = new CachePolicy(1000, 90, 50, Duration.ZERO);

    assertThat(policy.evictions(List.of(entry("a", 450, 30), entry("b", 450, 10)), NOW)).isEmpty();
  }

  @Test
  void aboveTheHighWatermarkTheLeastRecentlyUsedGoUntilTheLowWatermark() {
    CachePolicy policy = new CachePolicy(1000, 90, 50, Duration.ZERO);
    List<CacheEntry> entries =
        List.of(entry("newest", 300, 1), entry("oldest", 400, 60), entry("middle", 300, 30));

    assertThat(policy.evictions(entries, NOW))
        .containsExactly(
            new Eviction(digest("oldest"), 400, Reason.OVER_BUDGET),
            new Eviction(digest("middle"), 300, Reason.OVER_BUDGET));
  }

  @Test
  void entriesInUseStayAndCountAgainstTheBudget() {
    CachePolicy policy = new CachePolicy(1000, 90, 50, Duration.ZERO);
    List<CacheEntry> entries =
        List.of(inUse("read-now", 600, 90), entry("old", 200, 60), entry("recent", 200, 5));

    // 1000 > 900: both unheld go, and 600 is still above 500, which is all that can be done.
    assertThat(evicted(policy, entries)).containsExactly(digest("old"), digest("recent"));
  }

  @Test
  void aDownloadInProgressMakesRoomForItself() {
    CachePolicy policy = new CachePolicy(1000, 90, 75, Duration.ZERO);
    List<CacheEntry> entries = List.of(entry("cached", 500, 10), inUse("arriving", 500, 0));

    assertThat(evicted(policy, entries)).containsExactly(digest("cached"));
  }

  @Test
  void entriesIdleForTheTimeToIdleGoEvenWithoutABudget() {
    CachePolicy policy = new CachePolicy(0, 90, 75, Duration.ofHours(1));
    List<CacheEntry> entries =
        List.of(entry("just-idle", 10, 60), entry("busy", 10, 59), inUse("idle-but-read", 10, 600));

    assertThat(policy.evictions(entries, NOW))
        .containsExactly(new Eviction(digest("just-idle"), 10, Reason.IDLE));
  }

  @Test
  void idleEvictionsCountTowardsTheBudget() {
    CachePolicy policy = new CachePolicy(1000, 90, 50, Duration.ofHours(1));
    List<CacheEntry> entries = List.of(entry("idle", 500, 120), entry("fresh", 450, 1));

    assertThat(evicted(policy, entries)).containsExactly(digest("idle"));
  }

  @Test
  void withoutBudgetOrTimeToIdleNothingEverGoes() {
    assertThat(
            CachePolicy.unlimited()
                .evictions(
                    List.of(
                        entry("a", Long.MAX_VALUE / 2, 100_000), entry("b", Long.MAX_VALUE / 2, 1)),
                    NOW))
        .isEmpty();
  }

  @Test
  void equalAccessTimesAreBrokenByDigestSoTheAnswerIsStable() {
    CachePolicy policy = new CachePolicy(100, 50, 0, Duration.ZERO);
    List<CacheEntry> entries = new ArrayList<>(List.of(entry("x", 40, 5), entry("y", 40, 5)));
    List<Digest> first = evicted(policy, entries);
    Collections.reverse(entries);

    assertThat(evicted(policy, entries)).isEqualTo(first);
  }

  @Test
  void watermarksAreComputedWithoutOverflow() {
    CachePolicy policy = new CachePolicy(Long.MAX_VALUE, 100, 99, Duration.ZERO);

    assertThat(policy.highWatermarkBytes()).isEqualTo(Long.MAX_VALUE);
    assertThat(policy.lowWatermarkBytes()).isPositive().isLessThan(Long.MAX_VALUE);
    assertThat(CachePolicy.percentOf(1000, 75)).isEqualTo(750);
    assertThat(CachePolicy.percentOf(199, 50)).isEqualTo(99);
  }

  @Test
  void badSettingsAreRejected() {
    assertThatThrownBy(() -> new CachePolicy(-1, 90, 75, Duration.ZERO))
        .hasMessageContaining("max bytes");
    assertThatThrownBy(() -> new CachePolicy(1, 0, 0, Duration.ZERO))
        .hasMessageContaining("high watermark");
    assertThatThrownBy(() -> new CachePolicy(1, 101, 75, Duration.ZERO))
        .hasMessageContaining("high watermark");
    assertThatThrownBy(() -> new CachePolicy(1, 70, 75, Duration.ZERO))
        .hasMessageContaining("low watermark");
    assertThatThrownBy(() -> new CachePolicy(1, 90, 75, Duration.ofSeconds(-1)))
        .hasMessageContaining("time to idle");
  }

  /** Random caches: the invariants hold whatever the sizes, ages and pins. */
  @RepeatedTest(200)
  void evictionsNeverTouchHeldEntriesAndReachTheLowWatermarkWhenPossible(
      RepetitionInfo repetition) {
    Random random = new Random(7919L * repetition.getCurrentRepetition());
    long max = 1 + random.nextInt(10_000);
    int high = 1 + random.nextInt(100);
    int low = random.nextInt(high + 1);
    Duration tti = random.nextBoolean() ? Duration.ZERO : Duration.ofMinutes(random.nextInt(120));
    CachePolicy policy = new CachePolicy(max, high, low, tti);
    List<CacheEntry> entries = new ArrayList<>();
    int count = random.nextInt(30);
    for (int i = 0; i < count; i++) {
      entries.add(
          new CacheEntry(
              digest("e" + i),
              random.nextInt(3_000),
              NOW.minus(Duration.ofMinutes(random.nextInt(240))),
              Hold.values()[random.nextInt(4) == 0 ? 1 + random.nextInt(2) : 0]));
    }

    List<Eviction> evictions = policy.evictions(entries, NOW);

    List<Digest> gone = evictions.stream().map(Eviction::digest).toList();
    assertThat(gone).doesNotHaveDuplicates();
    long remaining = 0;
    long unheldRemaining = 0;
    for (CacheEntry entry : entries) {
      if (entry.held()) {
        assertThat(gone).doesNotContain(entry.digest());
      }
      if (!gone.contains(entry.digest())) {
        remaining += entry.sizeBytes();
        if (!entry.held()) {
          unheldRemaining += entry.sizeBytes();
          if (!tti.isZero()) {
            assertThat(entry.lastAccess().plus(tti)).isAfter(NOW);
          }
        }
      }
    }
    if (remaining > policy.highWatermarkBytes()) {
      assertThat(unheldRemaining).as("above the high watermark only held bytes stay").isZero();
    }
    if (remaining > policy.lowWatermarkBytes()
        && evictions.stream().anyMatch(e -> e.reason() == Reason.OVER_BUDGET)) {
      assertThat(unheldRemaining).as("over budget, so only held bytes may be left").isZero();
    }
  }

  @Test
  void pinnedEntriesOutliveTheTimeToIdleTheBudgetAndTheFreeSpaceFloor() {
    CachePolicy policy = new CachePolicy(1000, 90, 50, Duration.ofMinutes(60));
    List<CacheEntry> entries =
        List.of(
            held("pinned-base", 800, 600, Hold.PINNED),
            entry("idle", 100, 90),
            entry("recent", 300, 1));

    List<Eviction> evictions = policy.evictions(entries, NOW, 10_000);

    assertThat(evictions.stream().map(Eviction::digest))
        .containsExactly(digest("idle"), digest("recent"));
  }

  @Test
  void shortOfTheFreeSpaceFloorTheLeastRecentlyUsedGoUntilEnoughIsFreed() {
    CachePolicy policy = new CachePolicy(0, 90, 75, Duration.ZERO);
    List<CacheEntry> entries =
        List.of(
            entry("newest", 300, 1),
            inUse("in use", 500, 90),
            entry("oldest", 400, 60),
            entry("middle", 300, 30));

    assertThat(policy.evictions(entries, NOW, 0)).isEmpty();
    assertThat(policy.evictions(entries, NOW, 401))
        .containsExactly(
            new Eviction(digest("oldest"), 400, Reason.FREE_SPACE),
            new Eviction(digest("middle"), 300, Reason.FREE_SPACE));
    assertThat(policy.evictions(entries, NOW, 10_000))
        .extracting(Eviction::digest)
        .containsExactly(digest("oldest"), digest("middle"), digest("newest"));
  }

  @Test
  void budgetEvictionsCountTowardsTheBytesTheFloorNeeds() {
    CachePolicy policy = new CachePolicy(1000, 90, 50, Duration.ZERO);
    List<CacheEntry> entries =
        List.of(entry("newest", 300, 1), entry("oldest", 400, 60), entry("middle", 300, 30));

    assertThat(policy.evictions(entries, NOW, 500))
        .containsExactly(
            new Eviction(digest("oldest"), 400, Reason.OVER_BUDGET),
            new Eviction(digest("middle"), 300, Reason.OVER_BUDGET));
  }
}
