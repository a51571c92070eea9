package io.layerswarm.swarm.sched;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RoundRobinChokerTest {
  private final ManualClock clock = new ManualClock();
  private final RoundRobinChoker<String> choker =
      new RoundRobinChoker<>(2, Duration.ofSeconds(20), clock);

  /**
   * One candidate per character: 'U' interested and unchoked, 'I' the same but idle (it asks us for
   * nothing), 'W' interested and waiting (choked), '-' not interested. {@code since} gives each
   * one's seconds-ago.
   */
  private List<ChokeCandidate<String>> fixture(String states, int... secondsAgo) {
    List<ChokeCandidate<String>> list = new ArrayList<>();
    for (int i = 0; i < states.length(); i++) {
      char c = states.charAt(i);
      Instant since = clock.instant().minusSeconds(secondsAgo[i]);
      list.add(new ChokeCandidate<>("p" + i, i, c != '-', c == 'U' || c == 'I', since, c == 'I'));
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
  void anIdlePeerGivesItsSlotToTheLongestWaitingPeerBeforeItsTurnEnds() {
    // p1 was unchoked 5 s ago, well inside its 20 s turn, but asks for nothing: everything it
    // wants of us it asked of others. The waiting peer that can use the slot gets it.
    assertThat(choker.unchoke(fixture("UIWW", 5, 5, 50, 100)))
        .containsExactlyInAnyOrder("p0", "p3");
  }

  @Test
  void anIdlePeerKeepsItsSlotWhileNobodyWaits() {
    assertThat(choker.unchoke(fixture("UI-", 5, 5, 100))).containsExactlyInAnyOrder("p0", "p1");
  }

  @Test
  void slotsRotateAsTheClockAdvances() {
    List<ChokeCandidate<String>> now = fixture("UUW", 1, 1, 1);
    assertThat(choker.unchoke(now)).containsExactlyInAnyOrder("p0", "p1");

    clock.advance(Duration.ofSeconds(20));

    assertThat(choker.unchoke(now)).containsExactlyInAnyOrder("p2", "p0");
  }

  @Test
  void choosesWhatSortingEveryCandidateWouldChoose() {
    // The choker keeps only the best `slots` in one pass; it must pick exactly the peers, in the
    // same order, that sorting both groups whole picks (the rule its documentation states).
    SplittableRandom random = new SplittableRandom(7);
    Duration turn = Duration.ofSeconds(20);
    for (int round = 0; round < 2000; round++) {
      int slots = 1 + random.nextInt(5);
      RoundRobinChoker<String> small = new RoundRobinChoker<>(slots, turn, clock);
      List<ChokeCandidate<String>> candidates = new ArrayList<>();
      int n = random.nextInt(12);
      for (int i = 0; i < n; i++) {
        // Few distinct times and orders, so that ties are common.
        Instant since = clock.instant().minusSeconds(random.nextInt(4) * 10L);
        boolean unchoked = random.nextBoolean();
        candidates.add(
            new ChokeCandidate<>(
                "p" + i,
                random.nextInt(3),
                random.nextInt(4) > 0,
                unchoked,
                since,
                unchoked && random.nextInt(3) == 0));
      }

      assertThat(new ArrayList<>(small.unchoke(candidates)))
          .as("round %d", round)
          .containsExactlyElementsOf(bySorting(candidates, slots, turn, clock.instant()));
    }
  }

  /**
   * The rule by sorting: in-turn peers (unchoked, not idle, turn not over) by since, then waiting
   * peers by wait, ties stable.
   */
  private static List<String> bySorting(
      List<ChokeCandidate<String>> candidates, int slots, Duration turn, Instant now) {
    List<ChokeCandidate<String>> interested =
        candidates.stream().filter(ChokeCandidate::interested).toList();
    if (interested.size() <= slots) {
      return interested.stream().map(ChokeCandidate::peer).toList();
    }
    List<ChokeCandidate<String>> inTurn = new ArrayList<>();
    List<ChokeCandidate<String>> waiting = new ArrayList<>();
    for (ChokeCandidate<String> c : interested) {
      (c.unchoked() && !c.idle() && c.since().plus(turn).isAfter(now) ? inTurn : waiting).add(c);
    }
    inTurn.sort(
        Comparator.comparing((ChokeCandidate<String> c) -> c.since())
            .thenComparingLong(ChokeCandidate::order));
    waiting.sort(
        Comparator.comparing((ChokeCandidate<String> c) -> c.unchoked() ? now : c.since())
            .thenComparingLong(ChokeCandidate::order));
    List<String> result = new ArrayList<>();
    for (ChokeCandidate<String> c : inTurn) {
      result.add(c.peer());
    }
    for (ChokeCandidate<String> c : waiting) {
      result.add(c.peer());
    }
    return result.subList(0, slots);
  }
}
