package io.layerswarm.swarm.loop;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * What every {@link Loop} does, whether it runs on a Netty event loop in real time or on a test's
 * or the simulator's virtual clock. Subclasses say how to let tasks and time pass.
 */
public abstract class LoopContract {
  /** The loop under test. */
  protected abstract Loop loop();

  /** Runs {@code action} on the loop and waits until it and the tasks it submitted ran. */
  protected abstract void onLoop(Runnable action) throws Exception;

  /** Lets at least {@code duration} pass on the loop's clock, running what falls due. */
  protected abstract void pass(Duration duration) throws Exception;

  @Test
  void tasksRunInTheOrderTheyWereSubmittedAndNeverInsideTheCaller() throws Exception {
    List<String> ran = new ArrayList<>();
    onLoop(
        () -> {
          assertThat(loop().inLoop()).isTrue();
          loop().execute(() -> ran.add("first"));
          loop().execute(() -> ran.add("second"));
          ran.add("caller");
        });

    assertThat(ran).containsExactly("caller", "first", "second");
  }

  @Test
  void timersRunWhenTheirDelayHasPassedInTheOrderTheyFallDue() throws Exception {
    List<String> ran = new ArrayList<>();
    CompletableFuture<Void> last = new CompletableFuture<>();
    onLoop(
        () -> {
          loop().schedule(() -> ran.add("later"), Duration.ofMillis(60));
          loop()
              .schedule(
                  () -> {
                    ran.add("last");
                    last.complete(null);
                  },
                  Duration.ofMillis(90));
          loop().schedule(() -> ran.add("sooner"), Duration.ofMillis(30));
        });
    assertThat(ran).isEmpty();

    pass(Duration.ofMillis(100));
    last.get();

    assertThat(ran).containsExactly("sooner", "later", "last");
  }

  @Test
  void aCancelledTimerDoesNotRun() throws Exception {
    List<String> ran = new ArrayList<>();
    CompletableFuture<Void> marker = new CompletableFuture<>();
    onLoop(
        () -> {
          loop().schedule(() -> ran.add("cancelled"), Duration.ofMillis(20)).cancel();
          // Falls due after the cancelled one: once it ran, the other would have run too.
          loop().schedule(() -> marker.complete(null), Duration.ofMillis(40));
        });

    pass(Duration.ofMillis(50));
    marker.get();

    assertThat(ran).isEmpty();
  }
}
