package io.layerswarm.registry.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
  @Test
  void theWaitDoublesWithEachRetry() {
    RetryPolicy policy = new RetryPolicy(4, Duration.ofMillis(100));

    assertThat(policy.delayBefore(2)).isEqualTo(Duration.ofMillis(100));
    assertThat(policy.delayBefore(3)).isEqualTo(Duration.ofMillis(200));
    assertThat(policy.delayBefore(4)).isEqualTo(Duration.ofMillis(400));
  }

  @Test
  void fewerThanOneAttemptIsRejected() {
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO)).hasMessageContaining("maxAttempts");
  }
}
