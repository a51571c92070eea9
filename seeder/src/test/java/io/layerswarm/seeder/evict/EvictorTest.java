package io.layerswarm.seeder.evict;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.core.Digest;
import io.layerswarm.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class EvictorTest {
  private static final Duration IDLE = Duration.ofHours(1);
  private static final Digest A = Digest.sha256("a".getBytes());
  private static final Digest B = Digest.sha256("b".getBytes());

  /** Blobs in a map; evictions honour the same refusals as the real service. */
  private final class FakeTarget implements EvictionTarget {
    final Map<Digest, HeldBlob> blobs = new LinkedHashMap<>();
    final List<Digest> evicted = new ArrayList<>();

    void put(Digest digest, long size, long uploaded, int peers, boolean fetching) {
      blobs.put(digest, new HeldBlob(digest, size, OptionalLong.of(uploaded), peers, fetching));
    }

    @Override
    public List<HeldBlob> held() {
      return List.copyOf(blobs.values());
    }

    @Override
    public Result evict(Digest digest, long expectedGeneration) {
      HeldBlob blob = blobs.get(digest);
      if (blob == null) {
        return new Result(EvictOutcome.NOT_HELD, 0);
      }
      if (blob.fetching()) {
        return new Result(EvictOutcome.FETCHING, 0);
      }
      if (blob.peers() > 0) {
        return new Result(EvictOutcome.UPLOADING, 0);
      }
      if (expectedGeneration != ANY_GENERATION && access.generation(digest) != expectedGeneration) {
        return new Result(EvictOutcome.IN_USE, 0);
      }
      blobs.remove(digest);
      evicted.add(digest);
      access.forget(digest);
      return new Result(EvictOutcome.EVICTED, blob.sizeBytes());
    }
  }

  private final ManualClock clock = new ManualClock(Instant.parse("2025-06-01T00:00:00Z"));
  private final AccessLog access = new AccessLog();
  private final FakeTarget target = new FakeTarget();
  private final List<Eviction> reported = new ArrayList<>();

  private Evictor evictor(EvictionSettings settings) {
    return new Evictor(target, settings, access, clock, reported::add);
  }

  private void advance(Duration by) {
    clock.advance(by);
  }

  @Test
  void aBlobNotUsedForTheTimeToIdleIsEvictedAndReported() throws Exception {
    Evictor evictor = evictor(new EvictionSettings(0, 0, IDLE, Duration.ZERO));
    target.put(A, 100, 0, 0, false);
    access.touch(A, clock.instant());

    advance(IDLE.minusSeconds(1));
    assertThat(evictor.sweep().evicted()).isEmpty();
    advance(Duration.ofSeconds(1));
    Evictor.Sweep sweep = evictor.sweep();

    assertThat(sweep.evicted()).extracting(Eviction::digest).containsExactly(A);
    assertThat(sweep.heldBytes()).isZero();
    assertThat(reported)
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.reason()).isEqualTo(Eviction.Reason.IDLE);
              assertThat(e.sizeBytes()).isEqualTo(100);
            });
  }

  @Test
  void uploadActivityRefreshesTheTimeToIdle() throws Exception {
    Evictor evictor = evictor(new EvictionSettings(0, 0, IDLE, Duration.ZERO));
    target.put(A, 100, 0, 0, false);
    access.touch(A, clock.instant());
    evictor.sweep();

    advance(Duration.ofMinutes(50));
    target.put(A, 100, 4096, 0, false); // a peer downloaded some of it, and left
    evictor.sweep();
    advance(Duration.ofMinutes(50));

    assertThat(evictor.sweep().evicted()).isEmpty();
    assertThat(access.lastAccess(A)).contains(clock.instant().minus(Duration.ofMinutes(50)));
    advance(Duration.ofMinutes(10));
    assertThat(evictor.sweep().evicted()).extracting(Eviction::digest).containsExactly(A);
  }

  @Test
  void aBlobWithAConnectedPeerOrAFetchIsKeptThoughIdle() throws Exception {
    Evictor evictor = evictor(new EvictionSettings(0, 0, IDLE, Duration.ZERO));
    target.put(A, 100, 0, 1, false);
    target.put(B, 100, 0, 0, true);
    access.touch(A, clock.instant());
    access.touch(B, clock.instant());
    advance(Duration.ofDays(1));

    assertThat(evictor.sweep().evicted()).isEmpty();
    assertThat(target.blobs).containsKeys(A, B);
  }

  @Test
  void aBlobUsedBetweenTheDecisionAndTheEvictionIsKept() throws Exception {
    EvictionTarget racing =
        new EvictionTarget() {
          @Override
          public List<HeldBlob> held() {
            return target.held();
          }

          @Override
          public Result evict(Digest digest, long expectedGeneration) {
            access.touch(digest, clock.instant()); // a metainfo request slips in
            return target.evict(digest, expectedGeneration);
          }
        };
    Evictor evictor =
        new Evictor(
            racing, new EvictionSettings(0, 0, IDLE, Duration.ZERO), access, clock, reported::add);
    target.put(A, 100, 0, 0, false);
    access.touch(A, clock.instant());
    advance(Duration.ofDays(1));

    Evictor.Sweep sweep = evictor.sweep();

    assertThat(sweep.evicted()).isEmpty();
    assertThat(sweep.refused()).isEqualTo(1);
    assertThat(target.blobs).containsKey(A);
  }

  @Test
  void aboveTheHighWatermarkTheLeastRecentlyUsedAreEvicted() throws Exception {
    Evictor evictor = evictor(new EvictionSettings(150, 100, Duration.ZERO, Duration.ZERO));
    target.put(A, 100, 0, 0, false);
    access.touch(A, clock.instant());
    advance(Duration.ofMinutes(1));
    target.put(B, 100, 0, 0, false);
    access.touch(B, clock.instant());
    advance(Duration.ofMinutes(1));

    Evictor.Sweep sweep = evictor.sweep();

    assertThat(sweep.evicted()).extracting(Eviction::digest).containsExactly(A);
    assertThat(sweep.heldBytes()).isEqualTo(100);
    assertThat(reported).extracting(Eviction::reason).containsExactly(Eviction.Reason.DISK);
  }

  @Test
  void blobsNeverUsedSinceStartCountFromTheirFirstSweep() throws Exception {
    Evictor evictor = evictor(new EvictionSettings(0, 0, IDLE, Duration.ZERO));
    target.put(A, 100, 0, 0, false);

    evictor.sweep();
    assertThat(access.lastAccess(A)).contains(clock.instant());
    advance(IDLE);
    assertThat(evictor.sweep().evicted()).extracting(Eviction::digest).containsExactly(A);
  }

  @Test
  void withEvictionOffSweepsOnlySampleUploads() throws Exception {
    Evictor evictor = evictor(EvictionSettings.off());
    target.put(A, 100, 0, 0, false);
    access.touch(A, clock.instant());
    evictor.sweep();
    advance(Duration.ofDays(365));
    target.put(A, 100, 10, 0, false);

    assertThat(evictor.sweep().evicted()).isEmpty();
    assertThat(access.lastAccess(A)).contains(clock.instant());
  }

  @Test
  void anOperatorsEvictionIgnoresRecentUseButNotAnUpload() throws Exception {
    Evictor evictor = evictor(EvictionSettings.off());
    target.put(A, 100, 0, 0, false);
    target.put(B, 100, 0, 2, false);
    access.touch(A, clock.instant());

    assertThat(evictor.evictNow(A)).isEqualTo(new EvictionTarget.Result(EvictOutcome.EVICTED, 100));
    assertThat(evictor.evictNow(B).outcome()).isEqualTo(EvictOutcome.UPLOADING);
    assertThat(evictor.evictNow(A).outcome()).isEqualTo(EvictOutcome.NOT_HELD);
    assertThat(reported).extracting(Eviction::reason).containsExactly(Eviction.Reason.REQUEST);
  }
}
