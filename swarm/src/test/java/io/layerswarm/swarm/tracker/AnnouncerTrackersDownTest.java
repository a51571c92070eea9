package io.layerswarm.swarm.tracker;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.swarm.loop.ManualLoop;
import io.layerswarm.testing.ManualClock;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The announcer tells a torrent when the trackers are known to be down (every one said it cannot
 * serve, in one round), so that a download without peers need not wait for its deadline; a round
 * with another kind of failure says nothing.
 */
class AnnouncerTrackersDownTest {
  private static final URI A = URI.create("http://tracker-a.test:6969/announce");
  private static final URI B = URI.create("http://tracker-b.test:6969/announce");

  private final ManualClock clock = new ManualClock();
  private final ManualLoop loop = new ManualLoop(clock);
  private final List<URI> asked = new ArrayList<>();

  private static CompletableFuture<AnnounceResponse> unusable(URI tracker) {
    return CompletableFuture.failedFuture(
        TrackerException.unusable(
            "announce to " + tracker + ": tracker refused: " + AnnounceCodec.STORE_UNAVAILABLE,
            null));
  }

  private static CompletableFuture<AnnounceResponse> timedOut(URI tracker) {
    return CompletableFuture.failedFuture(
        new TrackerException("announce to " + tracker + " failed: timed out"));
  }

  private static CompletableFuture<AnnounceResponse> accepted() {
    return CompletableFuture.completedFuture(TestAnnouncers.accepted(Optional.empty()));
  }

  private Announcer started(TrackerClient client) {
    return TestAnnouncers.started(
        List.of(A, B),
        (tracker, request) -> {
          asked.add(tracker);
          return client.announce(tracker, request);
        },
        loop,
        clock);
  }

  @Test
  void whenEveryTrackerSaysItCannotServeTheTrackersAreDownAfterOneRound() {
    Announcer announcer = started((tracker, request) -> unusable(tracker));

    assertThat(asked).containsExactly(A, B);
    assertThat(announcer.trackersDown()).isCompleted();
    assertThat(announcer.trackersDown().join())
        .hasValueSatisfying(
            why ->
                assertThat(why)
                    .startsWith("every tracker is unusable: ")
                    .contains("tracker-a.test", "tracker-b.test", "peer store unavailable"));
    assertThat(announcer.started().join()).isFalse();
  }

  @Test
  void aTimeoutInTheRoundLeavesTheQuestionOpenUntilARoundOfRefusals() {
    List<CompletableFuture<AnnounceResponse>> answers =
        new ArrayList<>(List.of(unusable(A), timedOut(B), unusable(A), unusable(B)));
    Announcer announcer = started((tracker, request) -> answers.remove(0));

    assertThat(asked).containsExactly(A, B);
    assertThat(announcer.trackersDown()).isNotDone();

    loop.advance(Announcer.FIRST_RETRY);
    loop.runPending();

    assertThat(asked).containsExactly(A, B, A, B);
    assertThat(announcer.trackersDown().join()).isPresent();
  }

  @Test
  void oneTrackerThatAcceptsMeansTheTrackersAreNotDown() {
    Announcer announcer =
        started((tracker, request) -> tracker.equals(A) ? unusable(A) : accepted());

    assertThat(asked).containsExactly(A, B);
    assertThat(announcer.trackersDown().join()).isEmpty();
    assertThat(announcer.started().join()).isTrue();
  }

  @Test
  void aStoppedAnnouncerNeverSaysTheTrackersAreDown() {
    Announcer announcer = started((tracker, request) -> new CompletableFuture<>());

    announcer.stop();

    assertThat(announcer.trackersDown().join()).isEmpty();
  }
}
