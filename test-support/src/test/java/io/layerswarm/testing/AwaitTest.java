package io.layerswarm.testing;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
  @Test
  void returnsOnceTheConditionHolds() {
    AtomicInteger calls = new AtomicInteger();
    assertThatCode(() -> Await.until("third call", () -> calls.incrementAndGet() >= 3))
        .doesNotThrowAnyException();
  }

  @Test
  void failsWithWhatItWaitedForAndTheLastStateSeen() {
    assertThatThrownBy(() -> Await.until("a miracle", Duration.ofMillis(20), () -> false, () -> 42))
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("a miracle")
        .hasMessageContaining("last seen: 42");
  }
}
