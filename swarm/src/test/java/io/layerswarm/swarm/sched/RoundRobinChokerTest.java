package io.layerswarm.swarm.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RoundRobinChokerTest {
  private final ManualClock clock = new ManualClock();
  private final RoundRobinChoker<String> choker =
      new RoundRobinChoker<>(2, Duration.ofSeconds(20), clock);

  /**
   * One candidate per character: 'U' interested and unchoked, 'W' interested and waiting (choked),
   * '-' not interested. {@code since} gives each one's seconds-ago.
   */
  private List<ChokeCandidate<String>> fixture(String states, int... secondsAgo) {
    List<ChokeCandidate<String>> list = new ArrayList<>();
    for (int i = 0; i < states.length(); i++) {
      char c = states.charAt(i);
      Instant since = clock.instant().minusSeconds(secondsAgo[i]);
      list.add(new ChokeCandidate<>("p" + i, i, c != '-', c == 'U', since));
    }
    return list;
  }

  @Test
  void everyInterestedPeerIsUnchokedWhenTheyFit() {
    assertThat(choker.unchoke(fixture("W-W", 0, 0, 0))).containsExactlyInAnyOrder("p0", "p2");
  }

  @Test
  void uninterestedPeersAreChoked() {
    assertThat(choker.unchoke(fixture("--", 0, 0))).isEmpty();
  }

  @Test
  void unchokedPeersKeepTheirSlotDuringTheirTurn() {
    assertThat(choker.unchoke(fixture("UUW", 5, 10, 100))).containsExactlyInAnyOrder("p0", "p1");
  }

  @Test
  void whenATurnEndsTheLongestWaitingPeerGetsTheSlot() {
    Set<String> result = choker.unchoke(fixture("UUWW", 5, 25, 50, 100));

    assertThat(result).containsExactlyInAnyOrder("p0", "p3");
  }

  @Test
  void slotsRotateAsTheClockAdvances() {
    List<ChokeCandidate<String>> now = fixture("UUW", 1, 1, 1);
    assertThat(choker.unchoke(now)).containsExactlyInAnyOrder("p0", "p1");

    clock.advance(Duration.ofSeconds(20));

    assertThat(choker.unchoke(now)).containsExactlyInAnyOrder("p2", "p0");
  }
}
