package io.layerswarm.agent.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.layerswarm.core.Digest;
import io.layerswarm.core.metainfo.Metainfo;
import io.layerswarm.proto.admin.AgentDrainProgress;
import io.layerswarm.proto.admin.AgentDrainProgress.State;
import io.layerswarm.swarm.Torrent;
import io.layerswarm.testing.ManualClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drain's decisions, sampled by hand on a clock the test moves. */
class DrainTest {
  private static final Duration GRACE = Duration.ofSeconds(10);
  private static final Duration TIMEOUT = Duration.ofSeconds(60);
  private static final Digest BLOB = Digest.sha256(new byte[] {7});

  @TempDir Path dir;
  private final ManualClock clock = new ManualClock();
  private final List<Torrent> torrents = new CopyOnWriteArrayList<>();
  private final Drain drain = new Drain(() -> torrents, clock, null);
  private final List<AgentDrainProgress> seen = new ArrayList<>();

  private void advance(Duration d) {
    clock.advance(d);
  }

  private StaticTorrent seeding(long uploaded, int peers) {
    Metainfo meta = StaticTorrent.metainfo(dir, new byte[20_000]);
    return new StaticTorrent(meta, meta.length(), peers, uploaded, 0);
  }

  @Test
  void anIdleAgentIsDrainedOnceTheGracePeriodPassed() {
    assertThat(drain.draining()).isFalse();
    assertThat(drain.start(GRACE, TIMEOUT)).isTrue();
    drain.subscribe(seen::add);

    assertThat(drain.draining()).isTrue();
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).getState()).isEqualTo(State.DRAINING);
    assertThat(seen.get(0).getGraceMillis()).isEqualTo(10_000);
    assertThat(seen.get(0).getTimeoutMillis()).isEqualTo(60_000);

    advance(Duration.ofSeconds(9));
    drain.sample();
    assertThat(seen.get(seen.size() - 1).getState()).isEqualTo(State.DRAINING);
    assertThat(seen.get(seen.size() - 1).getQuietMillis()).isEqualTo(9_000);
    assertThat(drain.finished()).isNotDone();

    advance(Duration.ofSeconds(1));
    drain.sample();
    AgentDrainProgress last = seen.get(seen.size() - 1);
    assertThat(last.getState()).isEqualTo(State.DRAINED);
    assertThat(last.getElapsedMillis()).isEqualTo(10_000);
    assertThat(drain.finished()).isCompletedWithValue(Drain.Outcome.DRAINED);

    int messages = seen.size();
    advance(Duration.ofSeconds(5));
    drain.sample();
    assertThat(seen).as("nothing after the final message").hasSize(messages);
  }

  @Test
  void responsesInProgressAndUploadsKeepTheAgentUpAndTheQuietTimeStartsWhenTheyEnd() {
    StaticTorrent before = seeding(1000, 2);
    torrents.add(before);
    drain.responseStarted(Optional.of(BLOB));
    drain.start(GRACE, TIMEOUT);
    drain.subscribe(seen::add);

    advance(Duration.ofSeconds(30));
    drain.sample();
    AgentDrainProgress busy = seen.get(seen.size() - 1);
    assertThat(busy.getState()).isEqualTo(State.DRAINING);
    assertThat(busy.getClientResponses()).isEqualTo(1);
    assertThat(busy.getQuietMillis()).isZero();
    assertThat(drain.readers(BLOB)).isEqualTo(1);

    drain.responseEnded(Optional.of(BLOB));
    assertThat(drain.readers(BLOB)).isZero();
    // A peer downloads from us: the same torrent's counter moves.
    advance(Duration.ofSeconds(1));
    torrents.set(0, new StaticTorrent(before.metainfo(), before.verifiedBytes(), 2, 5000, 0));
    drain.sample();
    // (the replacement is another object: it counts as new, from 0)
    AgentDrainProgress uploading = seen.get(seen.size() - 1);
    assertThat(uploading.getUploadingTorrents()).isEqualTo(1);
    assertThat(uploading.getConnectedPeers()).isEqualTo(2);
    assertThat(uploading.getUploadedBytes()).isEqualTo(5000);
    assertThat(uploading.getClientResponses()).isZero();

    advance(Duration.ofSeconds(9));
    drain.sample();
    assertThat(seen.get(seen.size() - 1).getState()).isEqualTo(State.DRAINING);
    assertThat(seen.get(seen.size() - 1).getUploadingTorrents()).isZero();
    advance(Duration.ofSeconds(1));
    drain.sample();
    assertThat(seen.get(seen.size() - 1).getState()).isEqualTo(State.DRAINED);
    assertThat(seen.get(seen.size() - 1).getUploadedBytes()).isEqualTo(5000);
  }

  @Test
  void uploadsThatGoOnPastTheTimeoutEndTheDrainAsTimedOut() {
    drain.start(GRACE, Duration.ofSeconds(3));
    drain.subscribe(seen::add);
    for (int i = 1; i <= 3; i++) {
      advance(Duration.ofSeconds(1));
      torrents.clear();
      torrents.add(seeding(i * 1000L, 1));
      drain.sample();
    }

    AgentDrainProgress last = seen.get(seen.size() - 1);
    assertThat(last.getState()).isEqualTo(State.TIMED_OUT);
    assertThat(last.getUploadingTorrents()).isEqualTo(1);
    assertThat(drain.finished()).isCompletedWithValue(Drain.Outcome.TIMED_OUT);
  }

  @Test
  void aGraceOfZeroEndsAtTheFirstQuietSample() {
    drain.start(Duration.ZERO, TIMEOUT);
    drain.sample();

    assertThat(drain.finished()).isCompletedWithValue(Drain.Outcome.DRAINED);
  }

  @Test
  void aSecondStartJoinsTheDrainWithItsFirstSettings() {
    assertThat(drain.start(GRACE, TIMEOUT)).isTrue();
    assertThat(drain.start(Duration.ZERO, Duration.ofSeconds(1))).isFalse();
    drain.subscribe(seen::add);

    assertThat(seen.get(0).getGraceMillis()).isEqualTo(10_000);
    assertThat(seen.get(0).getTimeoutMillis()).isEqualTo(60_000);
  }

  @Test
  void settingsOutOfRangeAreRefusedAndTheAgentKeepsServing() {
    assertThatThrownBy(() -> drain.start(Duration.ofSeconds(-1), TIMEOUT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("grace");
    assertThatThrownBy(() -> drain.start(GRACE, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThatThrownBy(() -> drain.start(GRACE, Duration.ofDays(2)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
    assertThat(drain.draining()).isFalse();
    assertThatThrownBy(() -> drain.subscribe(seen::add)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void aListenerThatFailsIsDroppedAndTheOthersGoOn() {
    drain.start(GRACE, TIMEOUT);
    List<AgentDrainProgress> failing = new ArrayList<>();
    drain.subscribe(
        p -> {
          failing.add(p);
          if (failing.size() == 2) {
            throw new IllegalStateException("client went away");
          }
        });
    drain.subscribe(seen::add);
    for (int i = 0; i < 3; i++) {
      advance(Duration.ofSeconds(1));
      drain.sample();
    }

    assertThat(failing).hasSize(2);
    assertThat(seen).hasSize(4);
  }

  @Test
  void aLateSubscriberGetsTheFinalMessageOnly() {
    drain.start(Duration.ZERO, TIMEOUT);
    drain.sample();
    drain.subscribe(seen::add);

    assertThat(seen).extracting(AgentDrainProgress::getState).containsExactly(State.DRAINED);
  }

  @Test
  void withItsOwnTimerTheDrainSamplesByItselfAndFinishesShortlyAfterTheFinalMessage()
      throws Exception {
    List<AgentDrainProgress> messages = new CopyOnWriteArrayList<>();
    try (Drain timed = new Drain(() -> torrents, InstantSource.system(), Duration.ofMillis(20))) {
      timed.start(Duration.ofMillis(50), TIMEOUT);
      timed.subscribe(messages::add);

      assertThat(timed.finished().get(5, TimeUnit.SECONDS)).isEqualTo(Drain.Outcome.DRAINED);
      assertThat(messages.get(messages.size() - 1).getState()).isEqualTo(State.DRAINED);
    }
  }
}
