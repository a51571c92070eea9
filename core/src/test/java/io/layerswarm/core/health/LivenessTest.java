package io.layerswarm.core.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.layerswarm.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import org.junit.jupiter.api.Test;

class LivenessTest {
  private final ManualClock clock = new ManualClock();
  private final Liveness liveness = new Liveness(clock, Duration.ofSeconds(10));

  /** An event loop the test runs by hand: tasks wait until {@link #runAll}. */
  private static final class HandLoop implements Executor {
    final ArrayDeque<Runnable> tasks = new ArrayDeque<>();
    boolean dead;

    @Override
    public void execute(Runnable task) {
      if (dead) {
        throw new RejectedExecutionException("terminated");
      }
      tasks.add(task);
    }

    void runAll() {
      while (!tasks.isEmpty()) {
        tasks.poll().run();
      }
    }
  }

  @Test
  void loopsThatRunTheirHeartbeatsAndPoolsThatRunAreHealthy() {
    HandLoop loop = new HandLoop();
    ExecutorService pool = Executors.newSingleThreadExecutor();
    liveness.loop("swarm-io-1", loop).pool("agent-blocking", pool);

    for (int i = 0; i < 5; i++) {
      liveness.beat();
      clock.advance(Duration.ofSeconds(5));
      loop.runAll();
    }

    assertThat(liveness.problems()).isEmpty();
    pool.shutdownNow();
  }

  @Test
  void aLoopThatDoesNotRunItsHeartbeatWithinTheLimitIsAProblem() {
    HandLoop loop = new HandLoop();
    liveness.loop("swarm-io-1", loop);

    liveness.beat();
    clock.advance(Duration.ofSeconds(10));
    assertThat(liveness.problems()).as("at the limit").isEmpty();
    liveness.beat(); // no second heartbeat while the first waits
    clock.advance(Duration.ofSeconds(1));

    assertThat(liveness.problems()).containsExactly("swarm-io-1 has not run a task for 11 s");
    assertThat(loop.tasks).hasSize(1);
    loop.runAll();
    assertThat(liveness.problems()).isEmpty();
  }

  @Test
  void aLoopWhoseThreadDiedAndAStoppedPoolAreProblems() {
    HandLoop loop = new HandLoop();
    loop.dead = true;
    ExecutorService pool = Executors.newSingleThreadExecutor();
    liveness.loop("seeder-http-1", loop).pool("seeder-lookup", pool);
    pool.shutdownNow();

    liveness.beat();

    assertThat(liveness.problems())
        .containsExactly(
            "seeder-http-1 has stopped: it refuses tasks", "seeder-lookup has stopped");
  }
}
