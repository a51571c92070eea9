package io.layerswarm.sim.kernel;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class SimulationTest {
  private final Simulation sim = new Simulation(42);
  private final List<String> trace = new ArrayList<>();

  private Runnable log(String name) {
    return () -> trace.add(name + "@" + sim.nowNanos());
  }

  @Test
  void eventsRunInTimeOrderAndMoveTheClock() {
    sim.schedule(30, log("c"));
    sim.schedule(10, log("a"));
    sim.at(20, log("b"));

    sim.run();

    assertThat(trace).containsExactly("a@10", "b@20", "c@30");
    assertThat(sim.nowNanos()).isEqualTo(30);
    assertThat(sim.eventsRun()).isEqualTo(3);
  }

  @Test
  void eventsAtTheSameTimeRunInSchedulingOrder() {
    for (int i = 0; i < 5; i++) {
      sim.at(7, log("e" + i));
    }
    sim.schedule(0, () -> sim.schedule(7, log("late")));

    sim.run();

    assertThat(trace).containsExactly("e0@7", "e1@7", "e2@7", "e3@7", "e4@7", "late@7");
  }

  @Test
  void anEventScheduledByAnEventForNowRunsAfterTheEventsAlreadyDueNow() {
    sim.at(5, () -> sim.schedule(0, log("child")));
    sim.at(5, log("sibling"));

    sim.run();

    assertThat(trace).containsExactly("sibling@5", "child@5");
  }

  @Test
  void aCancelledTimerNeverRunsAndLeavesTheQueue() {
    Timer doomed = sim.schedule(10, log("doomed"));
    sim.schedule(20, log("kept"));
    assertThat(sim.pendingEvents()).isEqualTo(2);

    assertThat(doomed.cancel()).isTrue();

    assertThat(doomed.isPending()).isFalse();
    assertThat(sim.pendingEvents()).isEqualTo(1);
    assertThat(doomed.cancel()).isFalse();
    sim.run();
    assertThat(trace).containsExactly("kept@20");
  }

  @Test
  void aTimerCancelledByAnEarlierEventAtTheSameTimeDoesNotRun() {
    Timer[] second = new Timer[1];
    sim.at(10, () -> second[0].cancel());
    second[0] = sim.at(10, log("second"));

    sim.run();

    assertThat(trace).isEmpty();
  }

  @Test
  void cancellingMostOfManyTimersLeavesOnlyTheRest() {
    List<Timer> timers = new ArrayList<>();
    for (int i = 0; i < 10_000; i++) {
      timers.add(sim.schedule(i, () -> {}));
    }
    for (int i = 0; i < timers.size(); i++) {
      if (i % 100 != 0) {
        timers.get(i).cancel();
      }
    }

    assertThat(sim.pendingEvents()).isEqualTo(100);
    sim.run();
    assertThat(sim.eventsRun()).isEqualTo(100);
  }

  @Test
  void aRescheduledTimerRunsOnceAtItsNewTime() {
    Timer timer = sim.schedule(50, log("moved"));
    sim.schedule(20, log("other"));

    timer.rescheduleAt(10);

    sim.run();
    assertThat(trace).containsExactly("moved@10", "other@20");
  }

  @Test
  void aTimerCanBeArmedAgainAfterItRan() {
    int[] runs = new int[1];
    Timer[] self = new Timer[1];
    self[0] =
        sim.timer(
            () -> {
              if (++runs[0] < 3) {
                self[0].reschedule(100);
              }
            });
    assertThat(self[0].isPending()).isFalse();

    self[0].rescheduleAt(0);
    sim.run();

    assertThat(runs[0]).isEqualTo(3);
    assertThat(sim.nowNanos()).isEqualTo(200);
  }

  @Test
  void runUntilRunsDueEventsAndLeavesTheClockAtTheLimit() {
    sim.schedule(10, log("a"));
    sim.schedule(20, log("b"));
    sim.schedule(21, log("c"));

    sim.runUntil(20);

    assertThat(trace).containsExactly("a@10", "b@20");
    assertThat(sim.nowNanos()).isEqualTo(20);
    sim.runUntil(100);
    assertThat(trace).containsExactly("a@10", "b@20", "c@21");
    assertThat(sim.nowNanos()).isEqualTo(100);
  }

  @Test
  void stopReturnsAfterTheCurrentEventAndRunResumes() {
    sim.schedule(10, () -> sim.stop());
    sim.schedule(10, log("same-time"));
    sim.schedule(20, log("later"));

    sim.run();
    assertThat(trace).isEmpty();
    assertThat(sim.nowNanos()).isEqualTo(10);

    sim.run();
    assertThat(trace).containsExactly("same-time@10", "later@20");
  }

  @Test
  void theClockReadsTheEpochPlusVirtualTime() {
    Instant epoch = Instant.parse("2030-05-01T00:00:00Z");
    Simulation s = new Simulation(1, epoch);
    s.schedule(1_500_000_000L, () -> {});

    s.run();

    assertThat(s.clock().instant()).isEqualTo(epoch.plusMillis(1500));
    assertThat(new Simulation(1).clock().instant()).isEqualTo(Simulation.DEFAULT_EPOCH);
  }

  @Test
  void aNamedRandomStreamDependsOnlyOnTheSeedAndTheName() {
    Simulation other = new Simulation(42);
    other.random().nextLong();
    other.random("unrelated").nextLong();

    SplittableRandom mine = sim.random("choker");
    SplittableRandom theirs = other.random("choker");

    for (int i = 0; i < 10; i++) {
      assertThat(mine.nextLong()).isEqualTo(theirs.nextLong());
    }
    assertThat(sim.random("choker").nextLong()).isNotEqualTo(sim.random("picker").nextLong());
    assertThat(new Simulation(43).random("choker").nextLong())
        .isNotEqualTo(new Simulation(42).random("choker").nextLong());
  }

  @Test
  void theSameSeedGivesTheSameTrace() {
    assertThat(randomTrace(7)).isEqualTo(randomTrace(7));
    assertThat(randomTrace(7)).isNotEqualTo(randomTrace(8));
  }

  /** A run whose events schedule and cancel others at random times drawn from the seed. */
  private static List<String> randomTrace(long seed) {
    Simulation s = new Simulation(seed);
    SplittableRandom random = s.random().split();
    List<String> out = new ArrayList<>();
    List<Timer> timers = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      int id = i;
      Runnable[] action = new Runnable[1];
      action[0] =
          () -> {
            out.add(id + "@" + s.nowNanos());
            if (random.nextInt(3) == 0 && !timers.isEmpty()) {
              timers.get(random.nextInt(timers.size())).cancel();
            }
            if (s.eventsRun() < 1_000) {
              timers.add(s.schedule(random.nextInt(5), action[0]));
            }
          };
      timers.add(s.schedule(random.nextInt(50), action[0]));
    }
    s.run();
    return out;
  }

  @Test
  void badTimesAreRejected() {
    sim.schedule(10, () -> {});
    sim.run();

    assertThatThrownBy(() -> sim.schedule(-1, () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("-1");
    assertThatThrownBy(() -> sim.at(9, () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("before now 10");
    assertThatThrownBy(() -> sim.schedule(Long.MAX_VALUE, () -> {}))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("overflows");
    assertThatThrownBy(() -> sim.runUntil(5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void runningFromInsideAnEventIsRejected() {
    sim.schedule(1, sim::run);

    assertThatThrownBy(sim::run)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("already running");
  }
}
